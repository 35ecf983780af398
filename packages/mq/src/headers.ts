import type { AsyncMessage, HeaderFields, SyncMessage } from 'rabbitmq-client';

/**
 * This library's own bookkeeping headers. They travel with a message through retries and into
 * the dead-letter queue; handlers never see them in `IncomingMessage.headers`.
 */
export const MQ_HEADERS = {
  /** 1-based attempt number of this delivery; absent means 1. Reset to 1 on replay. */
  attempt: 'x-mq-attempt',
  /** The exchange the message was first published to (retries arrive via the default exchange). */
  originalExchange: 'x-mq-original-exchange',
  /** The routing key the message was first published with. */
  originalRoutingKey: 'x-mq-original-routing-key',
  /** ISO time of the first failed attempt. */
  firstFailureAt: 'x-mq-first-failure-at',
  /** ISO time of the latest failed attempt. */
  lastFailureAt: 'x-mq-last-failure-at',
  /** The latest failure, truncated to {@link LAST_ERROR_MAX_CHARS}. */
  lastError: 'x-mq-last-error',
  /** Set when parked: why (`exhausted` after maxAttempts, `unrecoverable` when the handler said so). */
  parkedReason: 'x-mq-parked-reason',
  /** Set when parked: a stable handle for replay when the message has no message id. */
  parkId: 'x-mq-park-id',
  /** How many times the message was replayed from the dead-letter queue. */
  replayCount: 'x-mq-replay-count',
  /** Set on a delayed publish: ISO time before which it must not be delivered. */
  notBefore: 'x-mq-not-before',
} as const;

export const LAST_ERROR_MAX_CHARS = 1000;

/** Headers the broker adds on dead-lettering and redelivery; never copied on republish. */
const BROKER_HEADER = /^x-(death|first-death-|last-death-|delivery-count)/;

/** Marks a body we asked rabbitmq-client not to decode; see {@link keepRawBodies}. */
export const RAW_ENCODING = 'x-mq-raw';

type Message = AsyncMessage | SyncMessage;

/** Application headers: without ours and without the broker's dead-letter bookkeeping. */
export function applicationHeaders(headers: HeaderFields['headers']): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (!headers) return result;
  // A plain loop over the keys: this runs for every delivery, Object.entries() allocates a pair per header.
  for (const key of Object.keys(headers)) {
    if (!key.startsWith('x-mq-') && !BROKER_HEADER.test(key)) result[key] = headers[key];
  }
  return result;
}

/** Headers to republish with (retry, park, replay): ours kept, the broker's dropped. */
export function republishHeaders(headers: HeaderFields['headers']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([key]) => !BROKER_HEADER.test(key)));
}

export function attemptOf(message: Message): number {
  const value = Number(message.headers?.[MQ_HEADERS.attempt]);
  return Number.isInteger(value) && value > 0 ? value : 1;
}

export function stringHeader(message: Message, name: string): string | undefined {
  const value: unknown = message.headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** The message body as the bytes on the wire. */
export function bodyOf(message: Message): Buffer {
  const body: unknown = message.body;
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

export function contentEncodingOf(message: Message): string | undefined {
  return message.contentEncoding === RAW_ENCODING ? undefined : message.contentEncoding;
}

/** The properties a republished copy keeps (everything but routing and headers). */
export function copiedProperties(message: Message): HeaderFields {
  return {
    contentType: message.contentType,
    contentEncoding: contentEncodingOf(message),
    messageId: message.messageId,
    timestamp: message.timestamp,
    appId: message.appId,
    correlationId: message.correlationId,
    type: message.type,
    priority: message.priority,
  };
}
