// Row: consumer with an in-process no-op handler (deliver.module), msgs/s, vs a bare
// rabbitmq-client consumer with the same prefetch and concurrency, draining the same backlog,
// alternately for the run's rounds (one drain is only seconds long; a single pair swung 0.65-1.6x).
import { writeNoopHandler } from '../lib/apps.ts';
import { consumerSetup, drainBoth, perRoundRatios } from '../lib/consumer-setup.ts';
import type { BenchCase } from '../lib/context.ts';
import { medianDrain } from '../lib/drain.ts';
import { cpuNote } from '../lib/measure.ts';
import { fmt, judgeAtLeast } from '../lib/table.ts';

const NAME = 'consumer, in-process no-op handler';
const GOAL = '>= 0.7x';

export const consumerInProcess: BenchCase = {
  id: 'consumer-in-process',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['consumer'],
  async run(ctx) {
    const setup = consumerSetup(ctx, { module: await writeNoopHandler(ctx) });
    await setup.prepare();
    const { rounds } = ctx.settings;
    const runs = await drainBoth(ctx, setup, () => setup.start(), { rounds });
    const [bare, ours] = [medianDrain(runs.bare), medianDrain(runs.ours)];
    const ratio = ours.msgsPerSec / bare.msgsPerSec;
    const perRound = perRoundRatios(runs);
    return [
      {
        name: NAME,
        measured: `${fmt(ours.msgsPerSec)} msgs/s`,
        baseline: `bare rabbitmq-client consumer: ${fmt(bare.msgsPerSec)} msgs/s`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 0.7),
        note: `Draining a ${fmt(ctx.settings.backlog)}-message backlog, prefetch and concurrency ${ctx.settings.prefetch} on both; rate from queue depth polled every 50 ms; median of ${rounds} alternating round(s) (ratio per round: ${perRound}).${cpuNote('consumer vs bare, median', ours.cpuUsPerMsg, bare.cpuUsPerMsg, 'message')}`,
      },
    ];
  },
};
