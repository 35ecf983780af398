import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLocalRateLimiter } from './local-rate-limiter.js';
import { createSharedRateLimiter } from './shared-rate-limiter.js';

// A Redis client that can never connect (port 1): every decision must fall back, none may throw.
describe('createSharedRateLimiter without a reachable Redis', () => {
  it('decides locally, reports the first failure once, pauses before asking Redis again', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const seen = { failed: [] as boolean[], local: 0, recovered: 0 };
    const limiter = createSharedRateLimiter(redis, createLocalRateLimiter(), {
      failed: (_err, first) => seen.failed.push(first),
      decidedLocally: () => void seen.local++,
      recovered: () => void seen.recovered++,
    }, { retryPauseMs: 60_000 });
    const waits = [];
    for (let i = 0; i < 3; i++) waits.push(await limiter.take('token:a', 1));
    expect(waits).toEqual([0, 0, 1]); // the local bucket: a burst of two at 1/s
    expect(seen).toEqual({ failed: [true], local: 3, recovered: 0 });
    await limiter.close?.();
  });
});
