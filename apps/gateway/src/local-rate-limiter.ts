import { TokenBucket } from './rate-limit.js';

/** Decides whether one more request of a principal is allowed; returns 0 or the seconds to wait. */
export interface RateLimiter {
  /** `key` names the principal (`token:<name>`, `sub:<subject>`), `ratePerSecond` its limit. */
  take(key: string, ratePerSecond: number): number | Promise<number>;
  /** Releases connections (the shared limiter's Redis client). */
  close?(): Promise<void>;
}

/** Enough for every token and active JWT subject; forgetting the oldest only refills its bucket. */
const MAX_BUCKETS = 10_000;

/**
 * Token buckets in this process: `rate` sustained, bursts up to twice that. With N replicas a
 * principal gets up to N× its rate (use REDIS_URL for a shared limit).
 */
export function createLocalRateLimiter(now?: () => number): RateLimiter {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(key, rate) {
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) buckets.delete(buckets.keys().next().value!);
        // A burst under one request would never let one through: a rate under 0.5/s still allows one.
        bucket = new TokenBucket(rate, Math.max(1, rate * 2), now);
        buckets.set(key, bucket);
      }
      return bucket.take();
    },
  };
}
