import { Redis } from 'ioredis';
import { createLocalRateLimiter, type RateLimiter } from './local-rate-limiter.js';
import { createSharedRateLimiter } from './shared-rate-limiter.js';

export interface RateLimiterDeps {
  /** `REDIS_URL`: shared limits across replicas when set. */
  redisUrl?: string;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  metrics: { countRateLimitFallback(): void };
}

/**
 * Per-process token buckets, or — with `REDIS_URL` — windows shared in Redis that fall back to
 * those buckets while Redis fails. The Redis client fails fast instead of queueing (no offline
 * queue, a short command timeout), so an outage costs a request at most `commandTimeout`.
 */
export function createRateLimiter({ redisUrl, logger, metrics }: RateLimiterDeps): RateLimiter {
  const local = createLocalRateLimiter();
  if (!redisUrl) return local;
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let lastError = '';
  redis.on('error', (err: Error) => {
    // ioredis repeats the error on every reconnect attempt: log each new one once.
    if (err.message !== lastError) logger.warn({ err: err.message }, 'rate limits: Redis error');
    lastError = err.message;
  });
  redis.on('ready', () => (lastError = ''));
  return createSharedRateLimiter(redis, local, {
    failed(err, first) {
      if (first) logger.warn({ err: err.message }, 'rate limits: Redis unavailable, falling back to per-process limits');
    },
    decidedLocally: () => metrics.countRateLimitFallback(),
    recovered: () => logger.info({}, 'rate limits: Redis is back, limits are shared again'),
  });
}
