import { describe, expect, it } from 'vitest';
import { delayedRoute, delayLevelCount, delayLevelName, delayMirrorPattern, delayQueueNames, delayUnits, levelDeclarations, MAX_DELAY_MS } from './delay.js';

describe('delay levels', () => {
  it('rounds up to whole 100 ms units: late by less than a unit, never early', () => {
    expect([0, 1, 100, 101, 1000, 1050].map(delayUnits)).toEqual([0, 1, 1, 2, 10, 11]);
  });

  it('declares one level per bit of the longest delay: 23 for 7 days, at most 24', () => {
    expect(delayLevelCount(0)).toBe(0);
    expect(delayLevelCount(100)).toBe(1);
    expect(delayLevelCount(60_000)).toBe(10);
    expect(delayLevelCount(7 * 86_400_000)).toBe(23);
    expect(delayLevelCount(MAX_DELAY_MS)).toBe(24);
    expect(delayLevelCount(10 * MAX_DELAY_MS)).toBe(24);
    expect(delayQueueNames(1000)).toEqual(['mq.delay.00', 'mq.delay.01', 'mq.delay.02', 'mq.delay.03']);
    expect(levelDeclarations(2).map((d) => d.what)).toEqual([
      'exchange "mq.delay.00"', 'queue "mq.delay.00"', 'binding of queue "mq.delay.00"', 'binding of exchange "mq.delay.deliver" to "mq.delay.00"',
      'exchange "mq.delay.01"', 'queue "mq.delay.01"', 'binding of queue "mq.delay.01"', 'binding of exchange "mq.delay.00" to "mq.delay.01"',
    ]);
  });

  it('writes the delay as 24 bit words, then the exchange as one word, then the routing key', () => {
    const route = delayedRoute(10, 'orders.eu', 'order.created');
    expect(route.exchange).toBe(delayLevelName(3)); // 10 = 1010b: its highest bit is 3
    expect(route.routingKey).toBe(`${'0.'.repeat(20)}1.0.1.0.orders%2Eeu.order.created`);
  });

  it('mirrors a binding so it matches any delay bits, this exchange only, and the same pattern', () => {
    const pattern = delayMirrorPattern('orders.eu', 'order.*');
    expect(pattern).toBe(`${'*.'.repeat(24)}orders%2Eeu.order.*`);
    // An exchange with wildcard or escape characters stays one literal word.
    expect(delayMirrorPattern('a*#%', '#')).toBe(`${'*.'.repeat(24)}a%2A%23%25.#`);
  });
});
