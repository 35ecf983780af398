// Row: consumer with an in-process no-op handler (deliver.module), msgs/s, vs a bare
// rabbitmq-client consumer with the same prefetch and concurrency, draining the same backlog,
// alternately for the run's rounds (one drain is only seconds long; a single pair swung 0.65-1.6x).
// amqplib's bare consumer (same prefetch, no-op, manual ack) drains beside it, reported only.
import { startAmqplibConsumer, writeNoopHandler } from '../lib/apps.ts';
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
    const { rounds, prefetch } = ctx.settings;
    const amqplib = { what: 'amqplib consumer', start: () => startAmqplibConsumer(ctx, setup.options.queue, prefetch) };
    const runs = await drainBoth(ctx, setup, () => setup.start(), { rounds, also: amqplib });
    const [bare, ours, other] = [medianDrain(runs.bare), medianDrain(runs.ours), medianDrain(runs.also)];
    const ratio = ours.msgsPerSec / bare.msgsPerSec;
    const vsAmqplib = ours.msgsPerSec / other.msgsPerSec;
    return [
      {
        name: NAME,
        measured: `${fmt(ours.msgsPerSec)} msgs/s`,
        baseline: `bare rabbitmq-client consumer: ${fmt(bare.msgsPerSec)} msgs/s; amqplib consumer (reported): ${fmt(other.msgsPerSec)} msgs/s (${vsAmqplib.toFixed(2)}x)`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 0.7),
        note: `Draining a ${fmt(ctx.settings.backlog)}-message backlog, prefetch ${prefetch} on all three (concurrency ${prefetch} where the client has one; amqplib's no-op acks each message as it arrives); rate from queue depth polled every 50 ms; median of ${rounds} alternating round(s) (ratio per round: ${perRoundRatios(runs)}).${cpuNote('consumer vs bare rabbitmq-client, median', ours.cpuUsPerMsg, bare.cpuUsPerMsg, 'message')} amqplib: ${fmt(other.cpuUsPerMsg)} µs per message.`,
      },
    ];
  },
};
