import { RetryLaterError, UnrecoverableError } from './errors.js';
import type { QueueSpec, RetryPolicy } from './types.js';

/** The delay queue of a work queue for one delay tier. */
export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

/** Where a work queue's exhausted and poison messages are parked. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/** Backoff after the given failed attempt (1-based): initial × multiplier^(attempt-1), capped. */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  const delay = policy.initialDelayMs * policy.multiplier ** (failedAttempt - 1);
  return Math.round(Math.min(delay, policy.maxDelayMs));
}

/**
 * Every delay a message of this policy can wait: the backoff of each retryable attempt, plus
 * `maxDelayMs` for a {@link RetryLaterError} asking for longer. One TTL queue per tier, because a
 * queue's TTL only expires messages at its head (mixed per-message TTLs would block each other).
 */
export function delayTiers(policy: RetryPolicy): number[] {
  if (policy.maxAttempts <= 1) return [];
  const tiers = new Set<number>([policy.maxDelayMs]);
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) tiers.add(backoffDelay(policy, attempt));
  return [...tiers].sort((a, b) => a - b);
}

export type RetryDecision =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'park'; reason: 'exhausted' | 'unrecoverable' };

/** What to do after `failedAttempt` failed with `error`. */
export function decideRetry(policy: RetryPolicy, failedAttempt: number, error: Error): RetryDecision {
  if (error instanceof UnrecoverableError) return { kind: 'park', reason: 'unrecoverable' };
  if (failedAttempt >= policy.maxAttempts) return { kind: 'park', reason: 'exhausted' };
  if (!(error instanceof RetryLaterError)) return { kind: 'retry', delayMs: backoffDelay(policy, failedAttempt) };
  // The handler's delay replaces the backoff: the shortest tier that waits at least that long.
  const wanted = Math.min(error.delayMs, policy.maxDelayMs);
  const tier = delayTiers(policy).find((t) => t >= wanted) ?? policy.maxDelayMs;
  return { kind: 'retry', delayMs: tier };
}

/**
 * Every queue declared for a spec: the work queue, its delay queues and, when on, its
 * dead-letter queue. For monitoring and clean-up without re-deriving the naming scheme.
 */
export function queuesOf(spec: Pick<QueueSpec, 'name' | 'retry' | 'deadLetter'>): string[] {
  const delayQueues = delayTiers(spec.retry).map((delayMs) => retryQueueName(spec.name, delayMs));
  return [spec.name, ...delayQueues, ...(spec.deadLetter ? [deadLetterQueueName(spec.name)] : [])];
}
