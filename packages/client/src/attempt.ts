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
export function failureFromThrow(cause: unknown, timeout: AbortSignal, caller: AbortSignal | undefined, id: string, attempts: number): Failure {
  const [code, retryable, what] = caller?.aborted
    ? (['ABORTED', false, 'aborted by the caller'] as const)
    : timeout.aborted
      ? (['TIMEOUT', true, 'the attempt timed out'] as const)
      : (['NETWORK_ERROR', true, `no answer: ${(cause as Error)?.message ?? String(cause)}`] as const);
  return { ok: false, error: new PublishError({ code, message: what, retryable, id, attempts, cause }) };
}

/** The signal of one attempt: its own timeout, and the caller's signal when there is one. */
export function attemptSignals(timeoutMs: number, caller: AbortSignal | undefined): { timeout: AbortSignal; signal: AbortSignal } {
  const timeout = AbortSignal.timeout(timeoutMs);
  return { timeout, signal: caller ? AbortSignal.any([timeout, caller]) : timeout };
}
