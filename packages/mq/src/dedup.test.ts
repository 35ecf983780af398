import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryDedupStore } from './dedup.js';

afterEach(() => vi.useRealTimers());

describe('MemoryDedupStore', () => {
  it('remembers an id as done for its window only', async () => {
    vi.useFakeTimers();
    const store = new MemoryDedupStore();
    await store.remember('a', 1000);
    expect(await store.claim('a', 500)).toEqual({ status: 'done' });
    vi.advanceTimersByTime(1001);
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
    vi.useFakeTimers();
    const store = new MemoryDedupStore();
    const stale = (await store.claim('a', 100)) as { token: string };
    vi.advanceTimersByTime(101);
    const fresh = await store.claim('a', 100);
    expect(fresh).toMatchObject({ status: 'claimed' });
    await store.release('a', stale.token);
    expect(await store.claim('a', 100)).toEqual({ status: 'in-flight' });
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

  it('drops expired ids on write', async () => {
    vi.useFakeTimers();
    const store = new MemoryDedupStore();
    await store.remember('old', 10);
    vi.advanceTimersByTime(20);
    await store.remember('new', 10_000);
    expect(store.size).toBe(1);
  });
});
