import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { RateLimiter } from './local-rate-limiter.js';

/** What the shared limiter reports when it falls back to (or recovers from) per-process limits. */
export interface SharedRateLimiterEvents {
  /** Redis failed for this decision; `first` is true on the first failure after a success. */
  fallback(err: Error, first: boolean): void;
  /** Redis answered again after failures. */
  recovered(): void;
}

/**
 * Fixed windows in Redis shared by every replica (rate-limiter-flexible's atomic INCR + TTL
 * script): `rate` requests per 1-second window, or per ⌈1/rate⌉ s for rates under 1. When Redis
 * fails (down, slow, not ready) the decision is made by `fallback` (this process's token buckets):
 * never a 5xx because the store is gone, only a looser limit while it is.
 */
export function createSharedRateLimiter(redis: Redis, fallback: RateLimiter, events: SharedRateLimiterEvents, keyPrefix = 'mq:rl'): RateLimiter {
  const limiters = new Map<number, RateLimiterRedis>();
  let healthy = true;
  const answered = () => {
    if (healthy) return;
    healthy = true;
    events.recovered();
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
      try {
        await limiterFor(rate).consume(key, 1);
        answered();
        return 0;
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          answered();
          return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        }
        events.fallback(err as Error, healthy);
        healthy = false;
        return fallback.take(key, rate);
      }
    },
    close() {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
