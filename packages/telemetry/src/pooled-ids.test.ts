import { describe, expect, it } from 'vitest';
import { pooledIdGenerator } from './pooled-ids.js';

describe('pooledIdGenerator', () => {
  it('makes W3C-shaped ids: 32 / 16 lowercase hex characters', () => {
    const ids = pooledIdGenerator();
    expect(ids.generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.generateSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('never repeats an id across many pool refills', () => {
    const ids = pooledIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      seen.add(ids.generateTraceId());
      seen.add(ids.generateSpanId());
    }
    expect(seen.size).toBe(20_000);
  });

  it('skips an all-zero id, which W3C trace context treats as invalid', () => {
    let draws = 0;
    const ids = pooledIdGenerator((bytes) => {
      bytes.fill(draws++ === 0 ? 0 : 0xab);
    });
    expect(ids.generateSpanId()).toBe('ab'.repeat(8));
    expect(draws).toBe(2);
  });
});
