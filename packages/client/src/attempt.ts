import { PublishError, type Problem } from './errors.js';
import type { RetryPolicy } from './options.js';
import { isRetryableStatus, parseRetryAfter } from './retry-policy.js';

/** A failed attempt: its error, and the wait the answer asked for (`Retry-After`). */
export interface Failure {
  ok: false;
  error: PublishError;
  retryAfterMs?: number | undefined;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string';
}

/** The failure a non-202 answer means; `body` is what openapi-fetch parsed of it. */
export function failureFromResponse(policy: RetryPolicy, response: Response, body: unknown, id: string, attempts: number, now: number): Failure {
  const problem = isProblem(body) ? body : undefined;
  const code = problem?.code ?? 'UNEXPECTED_RESPONSE';
  const detail = problem?.detail ?? (typeof body === 'string' ? body.slice(0, 200) : '');
  const error = new PublishError({
    code,
    message: `gateway answered ${response.status} ${code}${detail ? `: ${detail}` : ''}`,
    status: response.status,
    retryable: isRetryableStatus(policy, response.status),
    problem,
    id,
    attempts,
  });
  return { ok: false, error, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now) };
}

/** The failure a thrown fetch means: the caller's abort, the attempt's timeout, or the network. */
export function failureFromThrow(cause: unknown, timedOut: boolean, caller: AbortSignal | undefined, id: string, attempts: number): Failure {
  const [code, retryable, what] = caller?.aborted
    ? (['ABORTED', false, 'aborted by the caller'] as const)
    : timedOut
      ? (['TIMEOUT', true, 'the attempt timed out'] as const)
      : (['NETWORK_ERROR', true, `no answer: ${(cause as Error)?.message ?? String(cause)}`] as const);
  return { ok: false, error: new PublishError({ code, message: what, retryable, id, attempts, cause }) };
}

/** One attempt's abort signal; `done()` must be called when the attempt has settled. */
export interface AttemptSignal {
  signal: AbortSignal;
  /** Whether the attempt's own time limit fired (not the caller's abort). */
  timedOut(): boolean;
  done(): void;
}

/**
 * The signal of one attempt: its own time limit, and the caller's signal when there is one. Not
 * `AbortSignal.timeout()`: that timer cannot be cleared, so every publish's signal, listeners and
 * fetch state would live on for `timeoutMs` after the answer (the consumer met this as heap
 * growth under load, see docs/benchmarks.md); here `done()` clears it.
 */
export function attemptSignal(timeoutMs: number, caller: AbortSignal | undefined): AttemptSignal {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onAbort = () => controller.abort(caller?.reason);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
