import { PublishError } from './errors.js';
import type { RetryPolicy } from './options.js';
import { nextDelayMs } from './retry-policy.js';

/** Time as the retry loop sees it; tests pass a virtual one. */
export interface Clock {
  now(): number;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1), for the jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const abort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', abort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', abort, { once: true });
    }),
};

/** One attempt's result: a value, or the failure with the wait the gateway asked for. */
export type AttemptResult<T> = { ok: true; value: T } | { ok: false; error: PublishError; retryAfterMs?: number | undefined };

/**
 * Runs `attempt` (1-based number) until it succeeds, fails with a non-retryable error, or the
 * next wait would end past the policy's deadline; then the last error is thrown as is.
 */
export async function retrying<T>(policy: RetryPolicy, clock: Clock, attempt: (n: number) => Promise<AttemptResult<T>>, signal?: AbortSignal): Promise<T> {
  const start = clock.now();
  for (let n = 1; ; n++) {
    const result = await attempt(n);
    if (result.ok) return result.value;
    if (!result.error.retryable) throw result.error;
    const delay = nextDelayMs(policy, n, result.retryAfterMs, () => clock.random());
    // Waiting past the deadline only to fail later helps nobody: give up now.
    if (clock.now() + delay - start >= policy.deadlineMs) throw result.error;
    try {
      await clock.sleep(delay, signal);
    } catch (cause) {
      throw new PublishError({ ...result.error, code: 'ABORTED', message: 'aborted while waiting to retry', retryable: false, attempts: n, cause });
    }
  }
}
