import { describe, expect, it } from 'vitest';
import { RetryLaterError, UnrecoverableError } from './errors.js';
import { backoffDelay, decideRetry, delayTiers, queuesOf } from './retry.js';

const policy = { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2 };

describe('retry policy', () => {
  it('grows the delay exponentially and caps it', () => {
    expect([1, 2, 3, 4, 6].map((n) => backoffDelay(policy, n))).toEqual([1000, 2000, 4000, 8000, 30_000]);
    expect(backoffDelay({ ...policy, maxDelayMs: 3000 }, 3)).toBe(3000);
  });

  it('has one delay tier per distinct backoff, plus maxDelayMs', () => {
    expect(delayTiers(policy)).toEqual([1000, 2000, 4000, 8000, 30_000]);
    expect(delayTiers({ ...policy, maxAttempts: 1 })).toEqual([]);
    expect(delayTiers({ ...policy, multiplier: 1, maxAttempts: 4 })).toEqual([1000, 30_000]);
  });

  it('retries with backoff until maxAttempts, then parks', () => {
    expect(decideRetry(policy, 1, new Error('x'))).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(decideRetry(policy, 4, new Error('x'))).toEqual({ kind: 'retry', delayMs: 8000 });
    expect(decideRetry(policy, 5, new Error('x'))).toEqual({ kind: 'park', reason: 'exhausted' });
  });

  it('parks an UnrecoverableError at once', () => {
    expect(decideRetry(policy, 1, new UnrecoverableError('bad'))).toEqual({ kind: 'park', reason: 'unrecoverable' });
  });

  it('honours RetryLaterError with the smallest tier at least as long, capped by maxDelayMs', () => {
    expect(decideRetry(policy, 1, new RetryLaterError('busy', 3000))).toEqual({ kind: 'retry', delayMs: 4000 });
    expect(decideRetry(policy, 1, new RetryLaterError('busy', 500))).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(decideRetry(policy, 3, new RetryLaterError('busy', 10))).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(decideRetry(policy, 1, new RetryLaterError('busy', 3_600_000))).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decideRetry(policy, 5, new RetryLaterError('busy', 10))).toEqual({ kind: 'park', reason: 'exhausted' });
  });
});

describe('queuesOf', () => {
  it('names the work queue, one delay queue per tier and the dead-letter queue when it is on', () => {
    const retry = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 250, multiplier: 2 };
    expect(queuesOf({ name: 'q', retry, deadLetter: true })).toEqual(['q', 'q.retry.100', 'q.retry.200', 'q.retry.250', 'q.dlq']);
    expect(queuesOf({ name: 'q', retry: { ...retry, maxAttempts: 1 }, deadLetter: false })).toEqual(['q']);
  });
});
