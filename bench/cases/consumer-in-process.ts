// Row: consumer with an in-process no-op handler (deliver.module), msgs/s, vs a bare
// rabbitmq-client consumer with the same prefetch and concurrency, draining the same backlog.
import { writeNoopHandler } from '../lib/apps.ts';
import { consumerSetup, drainBoth } from '../lib/consumer-setup.ts';
import type { BenchCase } from '../lib/context.ts';
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
    const { bare, ours } = await drainBoth(ctx, setup, () => setup.start());
    const ratio = ours.drain.msgsPerSec / bare.drain.msgsPerSec;
    return [
      {
        name: NAME,
        measured: `${fmt(ours.drain.msgsPerSec)} msgs/s`,
        baseline: `bare rabbitmq-client consumer: ${fmt(bare.drain.msgsPerSec)} msgs/s`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 0.7),
        note: `Draining a ${fmt(ctx.settings.backlog)}-message backlog, prefetch and concurrency ${ctx.settings.prefetch} on both; rate from queue depth polled every 50 ms.${cpuNote('consumer vs bare', ours.cpuUsPerMsg, bare.cpuUsPerMsg, 'message')}`,
      },
    ];
  },
};
