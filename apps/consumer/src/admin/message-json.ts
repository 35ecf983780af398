import { MQ_HEADERS, type ParkedMessage } from '@mq/mq';
import { failureReason } from './failure-reason.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The fields of a parked message without its body: what listings, groups and pages show. */
export function summaryOf(message: ParkedMessage) {
  return {
    id: message.id,
    reason: failureReason(message.lastError),
    contentType: message.contentType ?? null,
    bodyBytes: message.body.length,
    attempts: message.attempts,
    lastError: message.lastError,
    /** `exhausted` (out of attempts) or `unrecoverable` (the target said never). */
    parkedReason: typeof message.headers[MQ_HEADERS.parkedReason] === 'string' ? (message.headers[MQ_HEADERS.parkedReason] as string) : null,
    /** Times it was replayed before and failed again. */
    replays: Number(message.headers[MQ_HEADERS.replayCount] ?? 0),
    originalExchange: message.originalExchange,
    originalRoutingKey: message.originalRoutingKey,
    firstFailureAt: message.firstFailureAt.toISOString(),
    lastFailureAt: message.lastFailureAt.toISOString(),
  };
}

export type ParkedSummary = ReturnType<typeof summaryOf>;

/** A parked message as JSON; a body that is not UTF-8 text is sent as base64. */
export function messageJson(message: ParkedMessage) {
  let body: string;
  let bodyEncoding: 'utf8' | 'base64' = 'utf8';
  try {
    body = utf8.decode(message.body);
  } catch {
    body = message.body.toString('base64');
    bodyEncoding = 'base64';
  }
  return { ...summaryOf(message), body, bodyEncoding, headers: jsonSafe(message.headers) as Record<string, unknown> };
}

export type ParkedMessageJson = ReturnType<typeof messageJson>;

/** AMQP header values may be Buffers or bigints, which JSON cannot carry as they are. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
