import { describe, expect, it } from 'vitest';
import { cachedChildren } from './label-children.js';

describe('cachedChildren', () => {
  it('makes one child per distinct set of label values and returns it again after', () => {
    const made: string[][] = [];
    const childOf = cachedChildren((...values) => {
      made.push(values);
      return { values };
    });
    const first = childOf('orders', 'done');
    expect(childOf('orders', 'done')).toBe(first);
    expect(childOf('orders', 'parked')).not.toBe(first);
    expect(childOf('orders')).not.toBe(first);
    expect(made).toEqual([['orders', 'done'], ['orders', 'parked'], ['orders']]);
  });
});
