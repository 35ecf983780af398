import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MemoryDedupStore } from './dedup.js';

// Real time, short TTLs: lru-cache reads its own clock (performance.now), which fake timers do
// not reach. Each check right after a write runs in the same tick as the write.

describe('MemoryDedupStore', () => {
  it('remembers an id as done for its window only', async () => {
    const store = new MemoryDedupStore();
    await store.remember('a', 50);
    expect(await store.claim('a', 500)).toEqual({ status: 'done' });
    await sleep(60);
    expect(await store.claim('a', 500)).toMatchObject({ status: 'claimed' });
  });

  it('holds a claimed id against a second copy until it is released by its own token', async () => {
    const store = new MemoryDedupStore();
    const first = await store.claim('a', 60_000);
    expect(first).toMatchObject({ status: 'claimed', token: expect.any(String) });
    expect(await store.claim('a', 60_000)).toEqual({ status: 'in-flight' });
    await store.release('a', 'not-the-token');
    expect(await store.claim('a', 60_000)).toEqual({ status: 'in-flight' });
    await store.release('a', (first as { token: string }).token);
    expect(await store.claim('a', 60_000)).toMatchObject({ status: 'claimed' });
  });

  it('lets a claim expire (its holder died) and ignores the stale holder releasing later', async () => {
    const store = new MemoryDedupStore();
    const stale = (await store.claim('a', 50)) as { token: string };
    await sleep(60);
    const fresh = await store.claim('a', 60_000);
    expect(fresh).toMatchObject({ status: 'claimed' });
    await store.release('a', stale.token);
    expect(await store.claim('a', 60_000)).toEqual({ status: 'in-flight' });
  });

  it('turns a claim into done when the delivery succeeds', async () => {
    const store = new MemoryDedupStore();
    const claim = (await store.claim('a', 60_000)) as { token: string };
    await store.remember('a', 60_000);
    await store.release('a', claim.token); // a done id is not a claim any more: nothing to drop
    expect(await store.claim('a', 60_000)).toEqual({ status: 'done' });
  });

  it('stays bounded, forgetting the oldest ids first', async () => {
    const store = new MemoryDedupStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) await store.remember(id, 60_000);
    expect(store.size).toBe(3);
    expect(await store.claim('d', 1000)).toEqual({ status: 'done' });
    expect(await store.claim('a', 1000)).toMatchObject({ status: 'claimed' });
  });

  it('stays correct far past its bound: the newest ids done, the pushed-out ones claimable', async () => {
    const store = new MemoryDedupStore({ maxEntries: 1000 });
    for (let i = 0; i < 10_000; i++) {
      await store.claim(`id-${i}`, 60_000);
      await store.remember(`id-${i}`, 60_000);
    }
    expect(store.size).toBe(1000);
    expect(await store.claim('id-9999', 1000)).toEqual({ status: 'done' });
    expect(await store.claim('id-9000', 1000)).toEqual({ status: 'done' });
    expect(await store.claim('id-8999', 1000)).toMatchObject({ status: 'claimed' });
  });

  it('rejects a bound that is not a whole number >= 1', () => {
    expect(() => new MemoryDedupStore({ maxEntries: 0 })).toThrow(TypeError);
    expect(() => new MemoryDedupStore({ maxEntries: 1.5 })).toThrow(TypeError);
  });
});
