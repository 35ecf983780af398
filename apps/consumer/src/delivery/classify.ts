/**
 * How an app's HTTP answer maps to a delivery outcome (CONTRACT.md "Consumer delivery"):
 * 2xx done; 408, 429 and 5xx retry (honouring `Retry-After`); any other status parks at once.
 */
export type Verdict =
  | { outcome: 'done' }
  | { outcome: 'retry'; retryAfterMs: number | undefined }
  | { outcome: 'park' };

/** Statuses that mean "not now" rather than "never". */
const RETRYABLE_4XX = new Set([408, 429]);

export function classifyStatus(status: number, retryAfter: string | undefined, now = Date.now()): Verdict {
  if (status >= 200 && status < 300) return { outcome: 'done' };
  if (status >= 500 || RETRYABLE_4XX.has(status)) {
    return { outcome: 'retry', retryAfterMs: parseRetryAfter(retryAfter, now) };
  }
  // Other 4xx say the request itself is wrong; 1xx/3xx mean a target that does not take
  // deliveries (e.g. a redirect to a login page). Retrying cannot fix either.
  return { outcome: 'park' };
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unparsable; 0 for a date in the past.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names its weekday and month; Date.parse alone would take "-5" as a year.
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A network-level failure, named the way metrics and parked reasons show it. */
export type TransportFailure = 'timeout' | 'refused' | 'reset' | 'network';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Names what went wrong below HTTP; every one of these is retryable. */
export function classifyTransportError(error: unknown): TransportFailure {
  const err = error as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || TIMEOUT_CODES.has(err?.code ?? '')) {
    return 'timeout';
  }
  const codes = [err?.code, err?.cause?.code];
  if (codes.includes('ECONNREFUSED')) return 'refused';
  if (codes.some((code) => code !== undefined && RESET_CODES.has(code))) return 'reset';
  return 'network';
}
