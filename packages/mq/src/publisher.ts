import type { ConfirmPublisher } from './confirm-publisher.js';
import { delayedRoute, delayUnits, MAX_DELAY_MS } from './delay.js';
import { MqError } from './errors.js';
import { MQ_HEADERS } from './headers.js';
import { newMessageId } from './message-id.js';
import { tracePublish } from './propagation.js';
import type { OutgoingMessage, PublishResult, Publisher, PublisherOptions } from './types.js';

/** AMQP's limit on a routing key (a short string). */
const MAX_ROUTING_KEY_BYTES = 255;

interface Route {
  exchange: string;
  routingKey: string;
  headers: Record<string, unknown>;
  notBefore?: Date;
}

/**
 * Where a message goes: straight to its exchange, or, delayed, into the delay levels with the
 * original exchange and routing key in headers (what the consumer reports; the delivery exchange
 * routes on the copy in the routing key).
 */
function routeOf(message: OutgoingMessage): Route {
  const headers: Record<string, unknown> = { ...message.headers };
  const delayMs = message.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    throw new MqError('INVALID_DELAY', `delayMs must be between 0 and ${MAX_DELAY_MS}, got ${delayMs}`);
  }
  const units = delayUnits(delayMs);
  if (units === 0) return { exchange: message.exchange, routingKey: message.routingKey, headers };
  if (message.exchange === '') throw new MqError('INVALID_DELAY', 'delayed publishes need a topic exchange, not the default one');
  const route = delayedRoute(units, message.exchange, message.routingKey);
  if (Buffer.byteLength(route.routingKey) > MAX_ROUTING_KEY_BYTES) {
    throw new MqError('INVALID_DELAY', `exchange and routing key too long for a delayed publish (${MAX_ROUTING_KEY_BYTES} bytes with the delay bits)`);
  }
  const notBefore = message.notBefore ?? new Date(Date.now() + delayMs);
  headers[MQ_HEADERS.originalExchange] = message.exchange;
  headers[MQ_HEADERS.originalRoutingKey] = message.routingKey;
  headers[MQ_HEADERS.notBefore] = notBefore.toISOString();
  return { ...route, headers, notBefore };
}

/**
 * The public publisher: builds the AMQP properties (message id, timestamp, content type, app id),
 * runs the publish inside a PRODUCER span whose context travels in the headers, and sends it on
 * a {@link ConfirmPublisher}.
 */
export function createPublisher(confirms: ConfirmPublisher, options: PublisherOptions, onClose: () => void): Publisher {
  return {
    async publish(message: OutgoingMessage): Promise<PublishResult> {
      const messageId = message.messageId ?? newMessageId();
      const body = typeof message.body === 'string' ? Buffer.from(message.body) : message.body;
      const { exchange, routingKey, headers, notBefore } = routeOf(message);
      // The span names the topic's exchange, not the delay level it is parked in.
      const span = { exchange: message.exchange, routingKey: message.routingKey, messageId, bodySize: body.length };
      await tracePublish(span, headers, () =>
        confirms.send(
          {
            exchange,
            routingKey,
            messageId,
            contentType: message.contentType ?? 'application/octet-stream',
            timestamp: Math.floor(Date.now() / 1000),
            appId: options.appId,
            headers,
          },
          body,
        ),
      );
      return notBefore ? { messageId, notBefore } : { messageId };
    },
    async close(): Promise<void> {
      await confirms.close();
      onClose();
    },
  };
}
