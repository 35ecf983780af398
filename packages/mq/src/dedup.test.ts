import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryDedupStore } from './dedup.js';

afterEach(() => vi.useRealTimers());

describe('MemoryDedupStore', () => {
  it('remembers an id for its window only', async () => {
    vi.useFakeTimers();
    const store = new MemoryDedupStore();
    await store.remember('a', 1000);
    expect(await store.has('a')).toBe(true);
    expect(await store.has('b')).toBe(false);
    vi.advanceTimersByTime(1001);
    expect(await store.has('a')).toBe(false);
  });

  it('stays bounded, forgetting the oldest ids first', async () => {
    const store = new MemoryDedupStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) await store.remember(id, 60_000);
    expect(store.size).toBe(3);
    expect(await store.has('a')).toBe(false);
    expect(await store.has('d')).toBe(true);
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
