import { describe, expect, it } from 'vitest';
import { createLatencyLog } from './latency-log.ts';

describe('latency log', () => {
  it('reads the send stamp from a buffer, a string or a parsed body', () => {
    const log = createLatencyLog();
    const sent = process.hrtime.bigint() - 5_000_000n; // 5 ms ago
    const body = `{"sentAtNs":"${sent}","pad":"x"}`;
    log.record(Buffer.from(body));
    log.record(body);
    log.record(JSON.parse(body));
    log.record('{"sentAtNs":"0"}'); // a fill message: counted, not timed
    const stats = log.stats();
    expect(stats).toMatchObject({ count: 4, timed: 3 });
    expect(stats.p50Ms).toBeGreaterThanOrEqual(5);
    expect(stats.p99Ms).toBeGreaterThanOrEqual(stats.p50Ms);
  });

  it('starts over after a reset', () => {
    const log = createLatencyLog();
    log.record('{}');
    log.reset();
    expect(log.stats()).toMatchObject({ count: 0, timed: 0 });
  });
});
