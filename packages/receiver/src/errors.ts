/** Why a delivery was refused; stable, for logs, metrics and the problem+json `code`. */
export type VerificationErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'TIMESTAMP_INVALID'
  | 'TIMESTAMP_STALE'
  | 'TIMESTAMP_FUTURE'
  | 'EVENT_MALFORMED';

const STATUS: Record<VerificationErrorCode, 400 | 401> = {
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  TIMESTAMP_INVALID: 401,
  TIMESTAMP_STALE: 401,
  TIMESTAMP_FUTURE: 401,
  EVENT_MALFORMED: 400,
};

/**
 * A delivery that did not verify. The only error {@link verifyDelivery} rejects with: check
 * `code` (or `instanceof` the subclasses) and answer `status`.
 *
 * It carries no stack trace: a refused delivery is an expected outcome, not a bug, so the stack
 * would only be noise in logs (and work for every forged request in a flood).
 */
export class VerificationError extends Error {
  override name = 'VerificationError';
  /** The HTTP status to answer: 401 for signature and timestamp problems, 400 for a malformed event. */
  readonly status: 400 | 401;
  constructor(readonly code: VerificationErrorCode, message: string) {
    super(message);
    this.status = STATUS[code];
    this.stack = `${new.target.name} [${code}]: ${message}`;
  }
}

/** `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent (or has no `v1` entry). */
export class SignatureMissingError extends VerificationError {
  override name = 'SignatureMissingError';
  constructor(message: string) {
    super('SIGNATURE_MISSING', message);
  }
}

/** No `v1` signature matches any of the configured secrets. */
export class SignatureInvalidError extends VerificationError {
  override name = 'SignatureInvalidError';
  constructor(message = 'no signature matches the configured secrets') {
    super('SIGNATURE_INVALID', message);
  }
}

/** `webhook-timestamp` is out of the tolerance window (or not unix seconds at all). */
export class TimestampError extends VerificationError {
  override name = 'TimestampError';
  constructor(code: 'TIMESTAMP_INVALID' | 'TIMESTAMP_STALE' | 'TIMESTAMP_FUTURE', message: string) {
    super(code, message);
  }
}

/** Signed correctly, but not a CloudEvents binary-mode delivery we can read. */
export class MalformedEventError extends VerificationError {
  override name = 'MalformedEventError';
  constructor(message: string) {
    super('EVENT_MALFORMED', message);
  }
}

/** An RFC 9457 problem body for a refused delivery. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: VerificationErrorCode;
  detail: string;
}

/** The problem+json body to answer a refused delivery with. */
export function toProblem(error: VerificationError): Problem {
  return {
    type: 'about:blank',
    title: error.status === 401 ? 'Unauthorized' : 'Bad Request',
    status: error.status,
    code: error.code,
    detail: error.message,
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
