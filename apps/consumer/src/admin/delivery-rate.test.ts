import { describe, expect, it } from 'vitest';
import { DeliveryRate } from './delivery-rate.js';

describe('DeliveryRate', () => {
  it('averages the last five whole seconds and forgets older ones', () => {
    let now = 10_000;
    const rate = new DeliveryRate(() => now);
    for (let i = 0; i < 10; i++) rate.record('billing');
    expect(rate.perSecond('billing')).toBe(0); // the current second is not over
    now += 1000;
    expect(rate.perSecond('billing')).toBe(2);
    now += 5000;
    expect(rate.perSecond('billing')).toBe(0);
    expect(rate.perSecond('other')).toBe(0);
  });
});
