import type { RetryPolicy } from './options.js';

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds or an HTTP-date (RFC 9110
 * 10.2.3). Undefined when absent or unparsable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Backoff before retry number `retry` (1 = the first retry), with "full jitter": a random wait
 * between 0 and the exponential bound, so that clients failing together do not retry together.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (retry - 1));
  return Math.round(bound * random());
}

/**
 * The wait before the next attempt: the jittered backoff, but never less than what the gateway
 * asked for in `Retry-After` (its estimate of when the broker is back).
 */
export function nextDelayMs(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random?: () => number): number {
  return Math.max(backoffMs(policy, retry, random), retryAfterMs ?? 0);
}

/** Whether an answer with this status may be retried with the same id. */
export function isRetryableStatus(policy: RetryPolicy, status: number): boolean {
  return policy.statuses.includes(status);
}
