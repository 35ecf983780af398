import { attemptSignal, failureFromResponse, failureFromThrow, type Failure } from './attempt.js';
import { PublishBatchError, PublishError, type BatchEntryOutcome } from './errors.js';
import type { GatewayBatchMessage, GatewayBatchResult } from './gateway-client.js';
import type { PublishContext } from './publish-one.js';
import { isRetryableStatus } from './retry-policy.js';
import { retrying, type AttemptResult } from './retry-loop.js';

/** One message of `publishBatch()`: JSON `data`, optional id, routing key and message headers. */
export type BatchMessage = GatewayBatchMessage;

/** Options of one `publishBatch()`: those of `publish()` that apply to a whole batch. */
export interface PublishBatchOptions {
  /** Routing key of the entries without their own. */
  routingKey?: string;
  headers?: Record<string, string>;
  traceparent?: string;
  signal?: AbortSignal;
}

/** A batch every entry of which was accepted; `results` in the caller's order. */
export interface BatchAccepted {
  topic: string;
  results: Array<{ index: number; id: string; status: 202 }>;
}

interface Entry {
  index: number;
  id: string;
  message: BatchMessage;
  outcome?: BatchEntryOutcome;
  lastError?: PublishError;
}

/** Applies one answer's per-message results (indexes into `sent`) to the entries. */
function applyResults(sent: Entry[], results: GatewayBatchResult[], whole: PublishError, retryable: (status: number) => boolean): void {
  for (const result of results) {
    const entry = sent[result.index];
    if (!entry) continue;
    if (result.status === 202) {
      entry.outcome = { index: entry.index, id: entry.id, accepted: true };
      continue;
    }
    const code = result.code ?? whole.code;
    entry.lastError = new PublishError({
      ...whole,
      code,
      message: `gateway answered ${result.status} ${code} for this message${result.detail ? `: ${result.detail}` : ''}`,
      status: result.status,
      retryable: retryable(result.status),
      id: entry.id,
    });
  }
}

/** Settles the entries that cannot change any more: accepted, or failed for good. */
function settle(entries: Entry[], final: boolean): Entry[] {
  for (const entry of entries) {
    if (!entry.outcome && entry.lastError && (final || !entry.lastError.retryable)) {
      entry.outcome = { index: entry.index, id: entry.id, accepted: false, error: entry.lastError };
    }
  }
  return entries.filter((e) => !e.outcome);
}

/** The error of a batch that did not fully succeed: the worst entry status, per-entry results. */
function batchError(entries: Entry[], attempts: number): PublishBatchError {
  const failed = entries.flatMap((e) => (e.outcome?.error ? [e.outcome.error] : []));
  const worst = failed.reduce((a, b) => ((b.status ?? 0) > (a.status ?? 0) ? b : a));
  const same = failed.every((f) => f.code === worst.code);
  return new PublishBatchError({
    code: same ? worst.code : 'BATCH_FAILED',
    message: `${failed.length} of ${entries.length} messages were not accepted (${worst.message})`,
    status: worst.status,
    retryable: failed.some((f) => f.retryable),
    problem: worst.problem,
    attempts,
    results: entries.map((e) => e.outcome!),
  });
}

interface BatchRequest {
  topic: string;
  query: { routingKey?: string };
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
}

/**
 * Sends `sent` once and records each entry's answer on it. Returns the failure of the request
 * (undefined on a 202), with the wait its answer asked for.
 */
async function sendOnce(ctx: PublishContext, request: BatchRequest, sent: Entry[], n: number): Promise<Failure | undefined> {
  const attemptAbort = attemptSignal(ctx.options.timeoutMs, request.signal);
  let failure: Failure;
  try {
    const body = { messages: sent.map((e) => ({ ...e.message, id: e.id })) };
    const answer = await ctx.client.postBatch(request.topic, request.query, { headers: request.headers, body, signal: attemptAbort.signal });
    if (answer.response.status === 202) {
      for (const e of sent) e.outcome = { index: e.index, id: e.id, accepted: true };
      return undefined;
    }
    failure = failureFromResponse(ctx.options.retry, answer.response, answer.body, sent[0]!.id, n, ctx.clock.now());
    const results = (answer.body as { results?: GatewayBatchResult[] } | undefined)?.results;
    if (Array.isArray(results)) {
      applyResults(sent, results, failure.error, (status) => isRetryableStatus(ctx.options.retry, status));
      return failure;
    }
  } catch (cause) {
    failure = failureFromThrow(cause, attemptAbort.timedOut(), request.signal, sent[0]!.id, n);
  } finally {
    attemptAbort.done();
  }
  // No per-entry results: the whole request failed, the same way for every entry.
  for (const e of sent) e.lastError = new PublishError({ ...failure.error, message: failure.error.message, id: e.id });
  return failure;
}

/**
 * A batch: every entry keeps its id across attempts, and a retry resends only the entries that
 * were not accepted yet and may still be (503, 429, network). Resolves when all were accepted;
 * otherwise rejects with a {@link PublishBatchError} saying which were and why the others not.
 */
export async function publishBatch(ctx: PublishContext, topic: string, messages: BatchMessage[], opts: PublishBatchOptions = {}): Promise<BatchAccepted> {
  if (messages.length === 0) throw new TypeError('publishBatch(): no messages');
  const entries: Entry[] = messages.map((message, index) => ({ index, id: message.id ?? ctx.options.generateId(), message }));
  const trace = opts.traceparent ? { traceparent: opts.traceparent } : await ctx.traceHeaders();
  const request: BatchRequest = {
    topic,
    query: opts.routingKey === undefined ? {} : { routingKey: opts.routingKey },
    headers: { ...opts.headers, ...trace },
    signal: opts.signal,
  };
  let pending = entries;
  let attempts = 0;
  const attempt = async (n: number): Promise<AttemptResult<void>> => {
    attempts = n;
    const failure = await sendOnce(ctx, request, pending, n);
    pending = settle(entries, false);
    // Done when nothing is left that another attempt could still get in.
    if (!failure || pending.length === 0) return { ok: true, value: undefined };
    return { ok: false, error: new PublishError({ ...failure.error, message: failure.error.message, retryable: true }), retryAfterMs: failure.retryAfterMs };
  };
  try {
    await retrying(ctx.options.retry, ctx.clock, attempt, opts.signal);
  } catch (err) {
    if (err instanceof PublishError && err.code === 'ABORTED') for (const e of pending) e.lastError = err;
    settle(entries, true);
  }
  // Entries rejected for good in an earlier attempt fail the batch even when the rest got in.
  if (entries.every((e) => e.outcome?.accepted)) return accepted(topic, entries);
  throw batchError(entries, attempts);
}

function accepted(topic: string, entries: Entry[]): BatchAccepted {
  return { topic, results: entries.map((e) => ({ index: e.index, id: e.id, status: 202 as const })) };
}
