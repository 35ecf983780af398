import { describe, expect, it } from 'vitest';
import { medianDrain, type DrainResult } from './drain.ts';

const run = (msgsPerSec: number, cpuUsPerMsg: number): DrainResult => ({
  drain: { messages: 1000, seconds: 1000 / msgsPerSec, msgsPerSec },
  rss: { firstMb: 100, lastMb: 100, maxMb: 100, samples: 10 },
  cpuUsPerMsg,
});

describe('medianDrain', () => {
  it('takes the median rate and the median CPU per message, each on its own', () => {
    expect(medianDrain([run(9000, 30), run(20_000, 45), run(15_000, 20)])).toEqual({ msgsPerSec: 15_000, cpuUsPerMsg: 30 });
  });

  it('is the drain itself for one round', () => {
    expect(medianDrain([run(12_000, 25)])).toEqual({ msgsPerSec: 12_000, cpuUsPerMsg: 25 });
  });
});
