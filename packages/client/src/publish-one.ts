import { attemptSignal, failureFromResponse, failureFromThrow } from './attempt.js';
import { encodeBody, type MessageData } from './body.js';
import type { Accepted, GatewayClient } from './gateway-client.js';
import type { NormalizedOptions } from './options.js';
import { retrying, type AttemptResult, type Clock } from './retry-loop.js';

/** Options of one `publish()`. */
export interface PublishOptions {
  /** The message id (sent as `Idempotency-Key`); generated when absent, the same on every retry. */
  id?: string;
  /** Overrides the topic's routing key (where the topic allows it). */
  routingKey?: string;
  /** Extra HTTP request headers. */
  headers?: Record<string, string>;
  /** The body's content type; by default from the data (see {@link MessageData}). */
  contentType?: string;
  /** W3C traceparent; by default the active OpenTelemetry context's, when there is one. */
  traceparent?: string;
  /** Aborts the publish, also between retries (the message may still have been stored). */
  signal?: AbortSignal;
}

export interface PublishContext {
  options: NormalizedOptions;
  client: GatewayClient;
  clock: Clock;
  traceHeaders: () => Promise<Record<string, string>>;
}

/** One message: the same id and body on every attempt until a 202 or a final failure. */
export async function publishOne(ctx: PublishContext, topic: string, data: MessageData, opts: PublishOptions = {}): Promise<Accepted> {
  const id = opts.id ?? ctx.options.generateId();
  const { body, contentType } = encodeBody(data, opts.contentType);
  const trace = opts.traceparent ? { traceparent: opts.traceparent } : await ctx.traceHeaders();
  const headers = { ...opts.headers, ...trace, 'content-type': contentType, 'idempotency-key': id };
  const query = opts.routingKey === undefined ? {} : { routingKey: opts.routingKey };
  const attempt = async (n: number): Promise<AttemptResult<Accepted>> => {
    const attemptAbort = attemptSignal(ctx.options.timeoutMs, opts.signal);
    try {
      const { response, body: answer } = await ctx.client.postMessage(topic, query, { headers, body, signal: attemptAbort.signal });
      if (response.status === 202) return { ok: true, value: answer as Accepted };
      return failureFromResponse(ctx.options.retry, response, answer, id, n, ctx.clock.now());
    } catch (cause) {
      return failureFromThrow(cause, attemptAbort.timedOut(), opts.signal, id, n);
    } finally {
      attemptAbort.done();
    }
  };
  return retrying(ctx.options.retry, ctx.clock, attempt, opts.signal);
}
