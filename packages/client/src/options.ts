/** How failed attempts are retried. */
export interface RetryOptions {
  /**
   * Total time budget of one publish from its first attempt: no attempt starts after it, and a
   * wait (backoff or `Retry-After`) that would end after it is not started.
   * @default 30000
   */
  deadlineMs?: number;
  /** Backoff before the first retry (before jitter). @default 100 */
  initialDelayMs?: number;
  /** Largest backoff (before jitter); a longer `Retry-After` is still honoured. @default 5000 */
  maxDelayMs?: number;
  /** Backoff growth per attempt. @default 2 */
  multiplier?: number;
  /** HTTP statuses that are retried (besides network errors and attempt timeouts). @default [429, 503] */
  statuses?: readonly number[];
}

/** Options of {@link createPublisher}. */
export interface PublisherOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Bearer token (`auth.tokens[].env` or a JWT). Without one the gateway serves loopback only. */
  token?: string;
  /** Time limit of one HTTP attempt. @default 10000 */
  timeoutMs?: number;
  /** Retry policy; `false` sends each request once. */
  retry?: RetryOptions | false;
  /** The fetch to use (tests, or a runtime's own). @default globalThis.fetch */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Makes the id of a message the caller gave none. @default crypto.randomUUID */
  generateId?: () => string;
}

/** {@link RetryOptions} with every field set. */
export type RetryPolicy = Required<RetryOptions>;

export const retryDefaults: RetryPolicy = {
  deadlineMs: 30_000,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  multiplier: 2,
  statuses: [429, 503],
};

/** Never retries (a zero deadline), yet still tells which failures are retryable. */
const noRetry: RetryPolicy = { ...retryDefaults, deadlineMs: 0 };

export interface NormalizedOptions {
  baseUrl: string;
  token: string | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  generateId: () => string;
}

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new TypeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`);
  return value;
}

/** Fills in the defaults and rejects nonsense early (a bad URL, a negative delay). */
export function normalizeOptions(options: PublisherOptions): NormalizedOptions {
  const url = new URL(options.url); // throws on a bad URL
  const retry = options.retry === false ? noRetry : { ...retryDefaults, ...options.retry };
  positive('retry.deadlineMs', retry.deadlineMs, true);
  positive('retry.initialDelayMs', retry.initialDelayMs, true);
  positive('retry.maxDelayMs', retry.maxDelayMs, true);
  if (!(retry.multiplier >= 1)) throw new TypeError(`retry.multiplier must be >= 1, got ${retry.multiplier}`);
  // Looked up per call, so a fetch patched after createPublisher (instrumentation) is used.
  const fetchFn = options.fetch ?? ((url: string, init: RequestInit) => globalThis.fetch(url, init));
  return {
    baseUrl: url.href.replace(/\/+$/, ''),
    token: options.token,
    timeoutMs: positive('timeoutMs', options.timeoutMs ?? 10_000),
    retry,
    fetch: fetchFn,
    generateId: options.generateId ?? (() => globalThis.crypto.randomUUID()),
  };
}
