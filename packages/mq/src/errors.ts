/** Stable error codes; callers branch on these, never on messages. */
export type MqErrorCode =
  /** The broker refused the message (basic.nack), e.g. a full queue with `reject-publish`. */
  | 'PUBLISH_NACKED'
  /** No confirm arrived within `confirmTimeoutMs`; the message may or may not be stored. */
  | 'PUBLISH_TIMEOUT'
  /** `mandatory` publish matched no queue (basic.return). */
  | 'UNROUTABLE'
  /** The broker blocked publishing (memory or disk alarm). */
  | 'BLOCKED'
  /** Not connected and not reconnected within `connectWaitMs`. */
  | 'NOT_CONNECTED'
  /** Too many publishes already awaiting confirms (`maxInFlight`). */
  | 'OVERLOADED'
  /** The client was closed. */
  | 'CLOSED'
  /** A declaration clashed with what the broker already has (e.g. different queue arguments). */
  | 'TOPOLOGY_MISMATCH'
  /** A delay that is negative, not a number, beyond `MAX_DELAY_MS`, or on the default exchange; nothing was sent. */
  | 'INVALID_DELAY';

/** The one error type `@mq/mq` rejects with. The AMQP error, if any, is `cause`. */
export class MqError extends Error {
  override name = 'MqError';
  constructor(
    readonly code: MqErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown by a handler to say "never retry this message": it is parked in the dead-letter queue
 * at once with this error's message as the reason. Any other thrown error means "retry later".
 */
export class UnrecoverableError extends Error {
  override name = 'UnrecoverableError';
}

/**
 * Thrown by a handler to retry after at least `delayMs` (e.g. an HTTP `Retry-After`), instead of
 * the policy's next backoff delay. Still counts as an attempt.
 */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly delayMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
