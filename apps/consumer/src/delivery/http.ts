import { RetryLaterError, UnrecoverableError, type IncomingMessage } from '@mq/mq';
import { startHttpClientSpan, type HttpClientSpan } from '@mq/telemetry';
import { request, type Dispatcher } from 'undici';
import { classifyStatus, classifyTransportError } from './classify.js';
import { cloudEventHeaders } from './cloudevents.js';
import { DeliveryError, type Deliver, type Probe } from './types.js';

export interface HttpDeliveryOptions {
  url: string;
  /** Whole request, body included. */
  timeoutMs: number;
  /** Shared keep-alive pool (an undici `Agent`). */
  dispatcher: Dispatcher;
  /** `ce-source` of a message. */
  source: (message: IncomingMessage) => string;
  /** Longest `Retry-After` honoured; longer ones are cut to this. */
  maxRetryAfterMs: number;
}

/** How much of an error response body goes into the parked reason. */
const SNIPPET_BYTES = 200;

/** POSTs each message to `url` as a CloudEvents binary-mode request and maps the answer. */
export function createHttpDelivery(options: HttpDeliveryOptions): Deliver {
  const url = new URL(options.url);
  return async (message) => {
    const span = startHttpClientSpan({ method: 'POST', url, attempt: message.attempt });
    const headers = cloudEventHeaders(message, options.source(message), span.headers);
    // Not AbortSignal.timeout(): its timer cannot be cleared, so every delivery's signal, listeners
    // and async context stayed alive for timeoutMs after it finished; at thousands of deliveries a
    // second that got promoted to the old generation and inflated RSS (found by `npm run bench`).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('delivery timed out', 'TimeoutError')), options.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(options.url, {
        method: 'POST',
        headers,
        body: message.body,
        dispatcher: options.dispatcher,
        signal: controller.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      const kind = classifyTransportError(error);
      span.end({ error, errorType: kind });
      throw new DeliveryError(kind, `${kind}: ${(error as Error).message}`, { cause: error });
    }
    try {
      await settle(response, span, options);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function settle(response: Dispatcher.ResponseData, span: HttpClientSpan, options: HttpDeliveryOptions): Promise<void> {
  const status = response.statusCode;
  span.end({ status });
  const retryAfter = firstHeader(response.headers['retry-after']);
  const verdict = classifyStatus(status, retryAfter);
  if (verdict.outcome === 'done') {
    await response.body.dump();
    return;
  }
  const snippet = await readSnippet(response.body);
  const reason = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  const failure = new DeliveryError(String(status), reason);
  if (verdict.outcome === 'park') throw new UnrecoverableError(reason, { cause: failure });
  if (verdict.retryAfterMs) {
    throw new RetryLaterError(reason, Math.min(verdict.retryAfterMs, options.maxRetryAfterMs), { cause: failure });
  }
  throw failure;
}

/** The start of an error body, for the parked reason; the rest is discarded. */
async function readSnippet(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= SNIPPET_BYTES) break; // leaving the loop destroys the rest of the stream
    }
  } catch {
    // a body cut short still leaves its status as the reason
  }
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `HEAD url`: the app answers again when it gives any status but 408, 429 or 5xx (a 404 or 405
 * for HEAD still means a live app).
 */
export function createHttpProbe(url: string, timeoutMs: number, dispatcher: Dispatcher): Probe {
  return async () => {
    try {
      const response = await request(url, { method: 'HEAD', dispatcher, signal: AbortSignal.timeout(timeoutMs) });
      await response.body.dump();
      return classifyStatus(response.statusCode, undefined).outcome !== 'retry';
    } catch {
      return false;
    }
  };
}
