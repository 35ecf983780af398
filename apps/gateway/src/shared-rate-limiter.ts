import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { RateLimiter } from './local-rate-limiter.js';

/** What the shared limiter reports about falling back to (and recovering from) per-process limits. */
export interface SharedRateLimiterEvents {
  /** Redis failed a decision; `first` is true on the first failure after a success. */
  failed(err: Error, first: boolean): void;
  /** A decision was made by the per-process fallback (Redis failed, or is being given a pause). */
  decidedLocally(): void;
  /** Redis answered again after failures. */
  recovered(): void;
}

export interface SharedRateLimiterOptions {
  /** @default 'mq:rl' */
  keyPrefix?: string;
  /**
   * After a failure, decide locally for this long before asking Redis again: a partitioned
   * Redis (no answer until the command timeout) then slows one request per pause, not all.
   * @default 1000
   */
  retryPauseMs?: number;
}

/**
 * Fixed windows in Redis shared by every replica (rate-limiter-flexible's atomic INCR + TTL
 * script): `rate` requests per 1-second window, or ⌊rate × ⌈1/rate⌉⌋ per ⌈1/rate⌉ s for rates
 * under 1. When Redis fails (down, slow, not ready) the decision is made by `fallback` (this
 * process's token buckets): never a 5xx because the store is gone, only a looser limit while it is.
 */
export function createSharedRateLimiter(redis: Redis, fallback: RateLimiter, events: SharedRateLimiterEvents, options: SharedRateLimiterOptions = {}): RateLimiter {
  const { keyPrefix = 'mq:rl', retryPauseMs = 1000 } = options;
  const limiters = new Map<number, RateLimiterRedis>();
  let healthy = true;
  let pausedUntil = 0;
  const answered = () => {
    if (healthy) return;
    healthy = true;
    events.recovered();
  };
  const local = (key: string, rate: number) => {
    events.decidedLocally();
    return fallback.take(key, rate);
  };
  const limiterFor = (rate: number) => {
    let limiter = limiters.get(rate);
    if (!limiter) {
      const duration = rate >= 1 ? 1 : Math.ceil(1 / rate);
      const points = Math.max(1, Math.floor(rate * duration));
      // rejectIfRedisNotReady: while ioredis reconnects, fail at once instead of queueing.
      limiter = new RateLimiterRedis({ storeClient: redis, points, duration, keyPrefix: `${keyPrefix}:${rate}`, rejectIfRedisNotReady: true });
      limiters.set(rate, limiter);
    }
    return limiter;
  };
  return {
    async take(key, rate) {
      if (performance.now() < pausedUntil) return local(key, rate);
      try {
        await limiterFor(rate).consume(key, 1);
        answered();
        return 0;
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          answered();
          return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        }
        events.failed(err as Error, healthy);
        healthy = false;
        pausedUntil = performance.now() + retryPauseMs;
        return local(key, rate);
      }
    },
    close() {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
