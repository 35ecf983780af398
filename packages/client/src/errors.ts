/** The RFC 9457 problem+json body the gateway answers errors with. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  /** The gateway's stable error code, e.g. `NOT_CONNECTED`, `SCHEMA_VIOLATION`. */
  code?: string;
  detail?: string;
  /** Extension members (`errors`, `results`, ...). */
  [member: string]: unknown;
}

/**
 * Codes of failures that happened before the gateway answered: the request never got a
 * response (`NETWORK_ERROR`), the attempt timed out (`TIMEOUT`), the caller aborted (`ABORTED`),
 * or the answer was not the gateway's (`UNEXPECTED_RESPONSE`). Any other code is the gateway's.
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'UNEXPECTED_RESPONSE';

/** What a {@link PublishError} is built from. */
export interface PublishErrorInit {
  code: string;
  message: string;
  /** HTTP status of the last answer; undefined when there was none. */
  status?: number | undefined;
  retryable: boolean;
  problem?: Problem | undefined;
  /** The message id (Idempotency-Key) every attempt used. */
  id: string;
  attempts: number;
  cause?: unknown;
}

/**
 * A publish that did not get a 202. `retryable` says whether the same publish (same id) may
 * succeed later: true for 503, 429 and network failures (the client gave up at its deadline),
 * false for any other answer (fix the request first). Resending with the same `id` is always
 * safe: the consumer processes one id once.
 */
export class PublishError extends Error {
  override name = 'PublishError';
  /** The problem `code`, or a {@link ClientErrorCode}. */
  readonly code: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The problem+json body of the last answer, when there was one. */
  readonly problem: Problem | undefined;
  readonly id: string;
  /** How many requests were sent. */
  readonly attempts: number;

  constructor(init: PublishErrorInit) {
    super(init.message, { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.retryable = init.retryable;
    this.problem = init.problem;
    this.id = init.id;
    this.attempts = init.attempts;
  }
}

/** One entry of a batch as it ended. */
export interface BatchEntryOutcome {
  index: number;
  id: string;
  /** True when the gateway answered 202 for it (in any attempt). */
  accepted: boolean;
  /** Why it was not accepted. */
  error?: PublishError;
}

/**
 * A batch in which some entries were not accepted. `results` has one outcome per entry, in the
 * caller's order; the accepted ones were confirmed by the broker and must not be resent.
 */
export class PublishBatchError extends PublishError {
  override name = 'PublishBatchError';
  readonly results: BatchEntryOutcome[];

  constructor(init: Omit<PublishErrorInit, 'id'> & { results: BatchEntryOutcome[] }) {
    super({ ...init, id: '' }); // one id per entry: see results
    this.results = init.results;
  }
}
