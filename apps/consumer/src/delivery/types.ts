import type { IncomingMessage } from '@mq/mq';

/**
 * Delivers one message to its target. Resolves when the target took it; throws
 * `UnrecoverableError` to park it, `RetryLaterError` to retry after a delay, anything else to
 * retry with the subscription's backoff (the `@mq/mq` handler contract).
 */
export type Deliver = (message: IncomingMessage) => Promise<void>;

/** Asks whether a target that kept failing answers again; used by the circuit breaker. */
export type Probe = () => Promise<boolean>;

/** A retryable delivery failure, with a low-cardinality name for metrics and logs. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  /** `timeout`, `refused`, `reset`, `network`, or the HTTP status code. */
  readonly errorType: string;
  constructor(errorType: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.errorType = errorType;
  }
}
