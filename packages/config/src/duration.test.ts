import { describe, expect, it } from 'vitest';
import { parseDuration, parseRfc3339 } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0], ['900', 900_000], ['PT15M', 900_000], ['pt1h', 3_600_000], ['P7D', 604_800_000], ['P1W', 604_800_000],
    ['P1DT2H3M4S', 93_784_000], ['PT1.5S', 1500], ['PT0,25S', 250], ['PT0S', 0],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '-5', '-PT5M', '1.5', 'P1Y', 'P1M', 'PT5', '15m', 'PT1.5M', 'P1DT', 'soon', '5 s'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseRfc3339', () => {
  it('reads Z and offsets', () => {
    expect(parseRfc3339('2026-12-07T09:00:00Z')?.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(parseRfc3339('2026-12-07T10:00:00.5+01:00')?.toISOString()).toBe('2026-12-07T09:00:00.500Z');
  });

  it.each(['2026-12-07', '2026-12-07T09:00:00', 'tomorrow', '1765098000', '2026-13-07T09:00:00Z', 'Mon, 07 Dec 2026 09:00:00 GMT'])(
    'refuses %j',
    (text) => {
      expect(parseRfc3339(text)).toBeUndefined();
    },
  );
});
