import type { AsyncMessage, Envelope } from 'rabbitmq-client';
import { copiedProperties, LAST_ERROR_MAX_CHARS, MQ_HEADERS, republishHeaders, stringHeader } from './headers.js';
import { newMessageId } from './message-id.js';
import { deadLetterQueueName, retryQueueName } from './retry.js';
import type { IncomingMessage } from './types.js';

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Failure bookkeeping shared by retry and park: where it came from, when and why it failed. */
function failureHeaders(raw: AsyncMessage, message: IncomingMessage, error: Error, now: Date): Record<string, unknown> {
  const failedAt = now.toISOString();
  return {
    ...republishHeaders(raw.headers),
    [MQ_HEADERS.originalExchange]: message.exchange,
    [MQ_HEADERS.originalRoutingKey]: message.routingKey,
    [MQ_HEADERS.firstFailureAt]: stringHeader(raw, MQ_HEADERS.firstFailureAt) ?? failedAt,
    [MQ_HEADERS.lastFailureAt]: failedAt,
    [MQ_HEADERS.lastError]: truncate(`${error.name}: ${error.message}`, LAST_ERROR_MAX_CHARS),
  };
}

/**
 * The copy that waits in `<queue>.retry.<delayMs>` and comes back as the next attempt. Sent through
 * the default exchange, so it reaches exactly this queue, not every queue bound to the original.
 */
export function retryEnvelope(raw: AsyncMessage, message: IncomingMessage, error: Error, delayMs: number, now = new Date()): Envelope {
  return {
    ...copiedProperties(raw),
    exchange: '',
    routingKey: retryQueueName(message.queue, delayMs),
    headers: { ...failureHeaders(raw, message, error, now), [MQ_HEADERS.attempt]: message.attempt + 1 },
  };
}

/** The copy parked in `<queue>.dlq`, with everything an operator needs to judge it. */
export function parkEnvelope(raw: AsyncMessage, message: IncomingMessage, error: Error, reason: string, now = new Date()): Envelope {
  return {
    ...copiedProperties(raw),
    exchange: '',
    routingKey: deadLetterQueueName(message.queue),
    headers: {
      ...failureHeaders(raw, message, error, now),
      [MQ_HEADERS.attempt]: message.attempt,
      [MQ_HEADERS.parkedReason]: reason,
      ...(raw.messageId || raw.headers?.[MQ_HEADERS.parkId] ? {} : { [MQ_HEADERS.parkId]: newMessageId() }),
    },
  };
}
