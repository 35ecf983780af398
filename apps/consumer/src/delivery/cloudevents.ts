import { randomFillSync, randomUUID } from 'node:crypto';
import type { IncomingMessage } from '@mq/mq';

/** The 1-based delivery attempt of this message to this app (1 on the first try). */
export const ATTEMPT_HEADER = 'x-delivery-attempt';
/** Set only on a message that was published with a delay: the RFC 3339 time it was due. */
export const NOT_BEFORE_HEADER = 'x-delivery-not-before';

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
  injected: Record<string, string> = NO_HEADERS,
  now?: Date,
): Record<string, string> {
  // Built on the forwarded headers' object, not spread together: this runs for every delivery.
  // Forwarded names never collide with the ones set here (see RESERVED).
  const headers = forwardedHeaders(message.headers);
  headers['ce-specversion'] = '1.0';
  // Without a message id there is nothing stable to offer; the app sees a fresh id per attempt.
  headers['ce-id'] = encodeHeaderValue(message.messageId ?? randomUUID());
  headers['ce-type'] = encodeHeaderValue(message.routingKey || message.exchange || 'amqp.message');
  headers['ce-source'] = encodeHeaderValue(source);
  headers['ce-time'] = (message.timestamp ?? now ?? new Date()).toISOString();
  headers['content-type'] = message.contentType ?? 'application/octet-stream';
  headers[ATTEMPT_HEADER] = String(message.attempt);
  if (message.notBefore) headers[NOT_BEFORE_HEADER] = message.notBefore.toISOString();
  addTraceHeaders(headers, message, injected);
  return headers;
}

const NO_HEADERS: Record<string, string> = Object.freeze({});

/** HTTP token characters (RFC 9110 5.6.2): what a header name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Headers the HTTP client or this request owns; a message header of that name is not forwarded
 * (`webhook-*` included, so a publisher cannot pass a signature of its own to an app).
 */
const RESERVED = /^(host|connection|keep-alive|upgrade|te|trailer|transfer-encoding|expect|proxy-.*|content-.*|ce-.*|x-delivery-attempt|x-delivery-not-before|traceparent|tracestate|baggage|webhook-.*)$/i;

/**
 * The message's own application headers (e.g. the gateway batch API's per-message `headers`),
 * passed on under the same names when they can be HTTP headers: string, number or boolean values
 * of printable ASCII, names that are HTTP tokens and not owned by HTTP or CloudEvents.
 */
export function forwardedHeaders(headers: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in headers) {
    if (!Object.hasOwn(headers, name) || !TOKEN.test(name) || RESERVED.test(name)) continue;
    const value = headers[name];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const text = String(value);
    if (/^[\x20-\x7e]*$/.test(text)) result[name.toLowerCase()] = text;
  }
  return result;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace context for the app, added to `headers`: the delivery span's when there is one; else
 * the message's own (so the app still joins the publisher's trace); else a new trace.
 */
function addTraceHeaders(headers: Record<string, string>, message: IncomingMessage, injected: Record<string, string>): void {
  if (injected.traceparent) {
    Object.assign(headers, injected);
    return;
  }
  const incoming = asString(message.headers.traceparent);
  if (incoming === undefined || !TRACEPARENT.test(incoming)) {
    headers.traceparent = newTraceparent();
    return;
  }
  headers.traceparent = incoming;
  for (const key of ['tracestate', 'baggage']) {
    const value = asString(message.headers[key]);
    if (value !== undefined && /^[\x20-\x7e]*$/.test(value)) headers[key] = value;
  }
}

/** Random bytes drawn in blocks: one `randomFillSync` per 256 traceparents, not two UUIDs each. */
const RANDOM_BLOCK = Buffer.alloc(24 * 256);
let randomOffset = RANDOM_BLOCK.length;

/** A new trace id (16 random bytes) and span id (8), as a sampled W3C traceparent. */
function newTraceparent(): string {
  if (randomOffset === RANDOM_BLOCK.length) {
    randomFillSync(RANDOM_BLOCK);
    randomOffset = 0;
  }
  const at = randomOffset;
  randomOffset += 24;
  return `00-${RANDOM_BLOCK.toString('hex', at, at + 16)}-${RANDOM_BLOCK.toString('hex', at + 16, at + 24)}-01`;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}
