import type { Client } from 'openapi-fetch';
import { attemptSignals, failureFromResponse, failureFromThrow } from './attempt.js';
import { encodeBody, type MessageData } from './body.js';
import type { Accepted } from './gateway-client.js';
import type { paths } from './generated/gateway-api.js';
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
  client: Client<paths>;
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
    const { timeout, signal } = attemptSignals(ctx.options.timeoutMs, opts.signal);
    try {
      const result = await ctx.client.POST('/v1/topics/{topic}/messages', {
        params: { path: { topic }, query },
        headers,
        body: body as string,
        bodySerializer: (raw: unknown) => raw,
        signal,
      });
      const { response } = result;
      if (response.status === 202 && result.data) return { ok: true, value: result.data };
      return failureFromResponse(ctx.options.retry, response, result.error ?? result.data, id, n, ctx.clock.now());
    } catch (cause) {
      return failureFromThrow(cause, timeout, opts.signal, id, n);
    }
  };
  return retrying(ctx.options.retry, ctx.clock, attempt, opts.signal);
}
