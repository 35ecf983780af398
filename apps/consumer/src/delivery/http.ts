import { RetryLaterError, UnrecoverableError, type IncomingMessage } from '@mq/mq';
import { startHttpClientSpan } from '@mq/telemetry';
import { Agent, request, type Dispatcher } from 'undici';
import { classifyStatus, classifyTransportError } from './classify.js';
import { cloudEventHeaders } from './cloudevents.js';
import { exchange, type HttpAnswer } from './http-exchange.js';
import type { Signer } from './signing.js';
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
  /** Adds the Standard Webhooks headers (`deliver.signing`); absent = unsigned deliveries. */
  sign?: Signer;
}

/**
 * The keep-alive pool that deliveries and probes share. undici's own header and body timeouts
 * (300 s by default) are off: every delivery has its whole-exchange deadline (`timeoutMs`) and
 * every probe its signal, and undici re-arms a pooled timer per request for them, which lives on
 * in its timer list for up to a second (past young-generation GCs) after the request ends.
 */
export function createDeliveryAgent(options: Pick<Agent.Options, 'keepAliveTimeout' | 'connections'> = {}): Agent {
  return new Agent({ keepAliveTimeout: 30_000, ...options, headersTimeout: 0, bodyTimeout: 0 });
}

/** How much of an error response body goes into the parked reason. */
const SNIPPET_BYTES = 200;

/** POSTs each message to `url` as a CloudEvents binary-mode request and maps the answer. */
export function createHttpDelivery(options: HttpDeliveryOptions): Deliver {
  const url = new URL(options.url);
  const origin = url.origin;
  const path = url.pathname + url.search;
  return async (message) => {
    const span = startHttpClientSpan({ method: 'POST', url, attempt: message.attempt });
    const headers = cloudEventHeaders(message, options.source(message), span.headers);
    // Last, just before sending: the timestamp is this attempt's and the body is the one sent.
    options.sign?.(headers, message.body);
    let answer: HttpAnswer;
    try {
      answer = await exchange(options.dispatcher, { origin, path, headers, body: message.body, timeoutMs: options.timeoutMs, snippetBytes: SNIPPET_BYTES });
    } catch (error) {
      const kind = classifyTransportError(error);
      span.end({ error, errorType: kind });
      throw new DeliveryError(kind, `${kind}: ${(error as Error).message}`, { cause: error });
    }
    span.end({ status: answer.status });
    settle(answer, options);
  };
}

/** Returns on a 2xx; otherwise throws what makes the message retry or park. */
function settle(answer: HttpAnswer, options: HttpDeliveryOptions): void {
  const { status } = answer;
  const verdict = classifyStatus(status, answer.retryAfter);
  if (verdict.outcome === 'done') return;
  const snippet = answer.body.subarray(0, SNIPPET_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
  const reason = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  const failure = new DeliveryError(String(status), reason);
  if (verdict.outcome === 'park') throw new UnrecoverableError(reason, { cause: failure });
  if (verdict.retryAfterMs) {
    throw new RetryLaterError(reason, Math.min(verdict.retryAfterMs, options.maxRetryAfterMs), { cause: failure });
  }
  throw failure;
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
