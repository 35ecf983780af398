import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { MqError, type MqErrorCode } from '@mq/mq';

/**
 * Stable `code`s of the gateway's problem+json answers. Broker failures reuse `@mq/mq`'s
 * {@link MqErrorCode}s, so one vocabulary runs from the client library to the HTTP client.
 */
export type ProblemCode =
  | 'NOT_FOUND'
  | 'INVALID_TOPIC_NAME'
  | 'UNKNOWN_TOPIC'
  | 'INVALID_REQUEST'
  | 'MALFORMED_JSON'
  | 'SCHEMA_VIOLATION'
  | 'UNSUPPORTED_CONTENT_TYPE'
  | 'UNSUPPORTED_CONTENT_ENCODING'
  | 'PAYLOAD_TOO_LARGE'
  | 'BATCH_TOO_LARGE'
  | 'ROUTING_KEY_NOT_ALLOWED'
  | 'INVALID_ROUTING_KEY'
  | 'INVALID_IDEMPOTENCY_KEY'
  | 'INVALID_HEADER'
  | 'DUPLICATE_MESSAGE_ID'
  | 'INVALID_DELAY'
  | 'INVALID_NOT_BEFORE'
  | 'DELAY_CONFLICT'
  | 'DELAY_TOO_LONG'
  | 'MISSING_TOKEN'
  | 'INVALID_TOKEN'
  | 'LOOPBACK_ONLY'
  | 'TOPIC_FORBIDDEN'
  | 'RATE_LIMITED'
  | 'AUTH_UNAVAILABLE'
  | 'BATCH_FAILED'
  | 'DRAINING'
  | 'INTERNAL'
  | MqErrorCode;

const titles: Partial<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 413: 'Content Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export interface ProblemOptions {
  /** Sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** Extension members of the problem body (e.g. `errors`, `results`). */
  members?: Record<string, unknown>;
  /** Extra response headers (e.g. `WWW-Authenticate`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An RFC 9457 problem: thrown anywhere in a request, rendered once by {@link onError}. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly options: ProblemOptions = {},
  ) {
    super(detail, { cause: options.cause });
  }
}

/** How long a client should wait before trying again, per broker failure (seconds). */
const mqErrorStatus: Record<MqErrorCode, { retryAfter: number; detail: string }> = {
  NOT_CONNECTED: { retryAfter: 2, detail: 'the broker is not reachable' },
  CLOSED: { retryAfter: 2, detail: 'the gateway is shutting down its broker connection' },
  BLOCKED: { retryAfter: 5, detail: 'the broker is blocking publishers (memory or disk alarm)' },
  PUBLISH_TIMEOUT: { retryAfter: 2, detail: 'the broker did not confirm the message in time; it may or may not be stored, so retry with the same id' },
  OVERLOADED: { retryAfter: 1, detail: 'too many publishes are awaiting confirms' },
  UNROUTABLE: { retryAfter: 10, detail: 'no queue is bound for this message; it was not stored' },
  PUBLISH_NACKED: { retryAfter: 5, detail: 'the broker refused the message (e.g. a full queue)' },
  TOPOLOGY_MISMATCH: { retryAfter: 30, detail: 'the broker topology does not match the configuration' },
  // Not a broker failure: answered 400 by problemFromMqError, listed only to keep the table total.
  INVALID_DELAY: { retryAfter: 0, detail: 'the message cannot be delayed' },
};

/**
 * Maps a `@mq/mq` failure to its 503 problem with `Retry-After`; `INVALID_DELAY` (e.g. exchange
 * and routing key too long to carry the delay bits, found only by the publisher) is the request's
 * fault: 400, and nothing was sent.
 */
export function problemFromMqError(err: MqError): ProblemError {
  if (err.code === 'INVALID_DELAY') return new ProblemError(400, 'INVALID_DELAY', err.message, { cause: err });
  const { retryAfter, detail } = mqErrorStatus[err.code] ?? mqErrorStatus.NOT_CONNECTED;
  return new ProblemError(503, err.code, detail, { retryAfterSeconds: retryAfter, cause: err });
}

/** Any thrown value as the problem the client sees. */
export function toProblem(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof MqError) return problemFromMqError(err);
  if (err instanceof HTTPException) return problemFromHttpException(err);
  return new ProblemError(500, 'INTERNAL', 'internal error', { cause: err });
}

function problemFromHttpException(err: HTTPException): ProblemError {
  // Hono's own validators throw these: a body that is not JSON, or a non-JSON media type.
  if (err.status === 415) return new ProblemError(415, 'UNSUPPORTED_CONTENT_TYPE', 'the body must be application/json');
  if (err.status === 400 && /json/i.test(err.message)) {
    return new ProblemError(400, 'MALFORMED_JSON', 'the body is not valid JSON');
  }
  if (err.status === 413) return new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'the body is too large');
  return new ProblemError(err.status, err.status >= 500 ? 'INTERNAL' : 'INVALID_REQUEST', err.message || 'invalid request');
}

/** The problem+json body and headers for one problem. */
export function problemResponse(c: Context, problem: ProblemError): Response {
  const body = {
    type: 'about:blank',
    title: titles[problem.status] ?? 'Error',
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    ...problem.options.members,
  };
  const headers: Record<string, string> = { ...problem.options.headers, 'content-type': 'application/problem+json' };
  if (problem.options.retryAfterSeconds !== undefined) headers['retry-after'] = String(problem.options.retryAfterSeconds);
  return c.body(JSON.stringify(body), problem.status, headers);
}

/** Minimal logger surface used here (pino's). */
export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/** The one place where errors become HTTP answers. */
export function createErrorHandler(logger: ErrorLogger): ErrorHandler {
  return (err, c) => {
    const problem = toProblem(err);
    if (problem.status >= 500 && problem.code === 'INTERNAL') {
      logger.error({ err, path: c.req.path }, 'unhandled error');
    }
    return problemResponse(c, problem);
  };
}

export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, new ProblemError(404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path.slice(0, 200)}`));
