import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from '@mq/mq';

/** The 1-based delivery attempt of this message to this app (1 on the first try). */
export const ATTEMPT_HEADER = 'x-delivery-attempt';

/**
 * CloudEvents HTTP binding: header values are printable ASCII, with space, `"`, `%` and
 * everything else percent-encoded as UTF-8.
 */
export function encodeHeaderValue(value: string): string {
  return value.replace(/[^\x21\x23-\x24\x26-\x7e]/gu, (ch) => encodeURIComponent(ch));
}

/**
 * Headers of a CloudEvents 1.0 binary-mode request carrying `message`. `injected` is the trace
 * context of the delivery's HTTP client span, when there is one.
 */
export function cloudEventHeaders(
  message: IncomingMessage,
  source: string,
  injected: Record<string, string> = {},
  now = new Date(),
): Record<string, string> {
  return {
    ...forwardedHeaders(message.headers),
    'ce-specversion': '1.0',
    // Without a message id there is nothing stable to offer; the app sees a fresh id per attempt.
    'ce-id': encodeHeaderValue(message.messageId ?? randomUUID()),
    'ce-type': encodeHeaderValue(message.routingKey || message.exchange || 'amqp.message'),
    'ce-source': encodeHeaderValue(source),
    'ce-time': (message.timestamp ?? now).toISOString(),
    'content-type': message.contentType ?? 'application/octet-stream',
    [ATTEMPT_HEADER]: String(message.attempt),
    ...traceHeaders(message, injected),
  };
}

/** HTTP token characters (RFC 9110 5.6.2): what a header name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the HTTP client or this request owns; a message header of that name is not forwarded. */
const RESERVED = /^(host|connection|keep-alive|upgrade|te|trailer|transfer-encoding|expect|proxy-.*|content-.*|ce-.*|x-delivery-attempt|traceparent|tracestate|baggage)$/i;

/**
 * The message's own application headers (e.g. the gateway batch API's per-message `headers`),
 * passed on under the same names when they can be HTTP headers: string, number or boolean values
 * of printable ASCII, names that are HTTP tokens and not owned by HTTP or CloudEvents.
 */
export function forwardedHeaders(headers: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name) || RESERVED.test(name)) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const text = String(value);
    if (/^[\x20-\x7e]*$/.test(text)) result[name.toLowerCase()] = text;
  }
  return result;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace context for the app: the delivery span's when there is one; else the message's own
 * (so the app still joins the publisher's trace); else a new trace.
 */
export function traceHeaders(message: IncomingMessage, injected: Record<string, string>): Record<string, string> {
  if (injected.traceparent) return injected;
  const incoming = asString(message.headers.traceparent);
  if (incoming === undefined || !TRACEPARENT.test(incoming)) {
    return { traceparent: newTraceparent() };
  }
  const result: Record<string, string> = { traceparent: incoming };
  for (const key of ['tracestate', 'baggage']) {
    const value = asString(message.headers[key]);
    if (value !== undefined && /^[\x20-\x7e]*$/.test(value)) result[key] = value;
  }
  return result;
}

/** A new trace and span id; randomUUID draws from a cached entropy pool, randomBytes does not. */
function newTraceparent(): string {
  const traceId = randomUUID().replaceAll('-', '');
  const spanId = randomUUID().replaceAll('-', '').slice(0, 16);
  return `00-${traceId}-${spanId}-01`;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}
