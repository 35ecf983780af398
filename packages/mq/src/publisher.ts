import { ulid } from 'ulid';
import type { ConfirmPublisher } from './confirm-publisher.js';
import { tracePublish } from './propagation.js';
import type { OutgoingMessage, PublishResult, Publisher, PublisherOptions } from './types.js';

/**
 * The public publisher: builds the AMQP properties (message id, timestamp, content type, app id),
 * runs the publish inside a PRODUCER span whose context travels in the headers, and sends it on
 * a {@link ConfirmPublisher}.
 */
export function createPublisher(confirms: ConfirmPublisher, options: PublisherOptions, onClose: () => void): Publisher {
  return {
    async publish(message: OutgoingMessage): Promise<PublishResult> {
      const messageId = message.messageId ?? ulid();
      const body = typeof message.body === 'string' ? Buffer.from(message.body) : message.body;
      const headers: Record<string, unknown> = { ...message.headers };
      const span = { exchange: message.exchange, routingKey: message.routingKey, messageId, bodySize: body.length };
      await tracePublish(span, headers, () =>
        confirms.send(
          {
            exchange: message.exchange,
            routingKey: message.routingKey,
            messageId,
            contentType: message.contentType ?? 'application/octet-stream',
            timestamp: Math.floor(Date.now() / 1000),
            appId: options.appId,
            headers,
          },
          body,
        ),
      );
      return { messageId };
    },
    async close(): Promise<void> {
      await confirms.close();
      onClose();
    },
  };
}
