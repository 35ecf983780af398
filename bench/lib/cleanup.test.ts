import { describe, expect, it } from 'vitest';
import { createCleanup } from './cleanup.ts';

describe('cleanup', () => {
  it('runs steps last-in first-out and keeps going past a failing one', async () => {
    const order: string[] = [];
    const cleanup = createCleanup();
    cleanup.add(() => Promise.resolve(order.push('first')));
    cleanup.add(() => Promise.reject(new Error('boom')));
    cleanup.add(() => Promise.resolve(order.push('last')));
    await cleanup.run();
    expect(order).toEqual(['last', 'first']);
    await cleanup.run();
    expect(order).toHaveLength(2);
  });
});
