// Row: what @mq/mq's publisher adds to a publish, in CPU per message, against rabbitmq-client's own
// confirm publisher on the same broker, both in the bench process with the same messages in flight.
// The same publisher serves the gateway, the consumer's republishes and any app's MqClient. An id
// drawn by ulid's default PRNG once made it 3.5x (55.7 vs 15.9 µs, docs/benchmarks.md, session 8).
import { MqClient } from '@mq/mq';
import { declareBenchRoute, publishInLanes, publishMany, type PublishLimits, type PublishRun } from '../lib/broker.ts';
import { alternate, median, type BenchCase } from '../lib/context.ts';
import { ownCpuMeter } from '../lib/cpu.ts';
import { jsonMessage } from '../lib/payload.ts';
import { fmt, judgeAtMost } from '../lib/table.ts';

const NAME = 'mq publisher, CPU per message';
const GOAL = '<= 1.5x';
const IN_FLIGHT = 256;

interface Run {
  cpuUsPerMsg: number;
  msgsPerSec: number;
}

/** CPU µs per message of one publishing run in this process, which does nothing else meanwhile. */
async function metered(publish: () => Promise<PublishRun>): Promise<Run> {
  const meter = ownCpuMeter();
  const run = await publish();
  return { cpuUsPerMsg: meter.stop(run.messages), msgsPerSec: run.msgsPerSec };
}

export const mqPublisher: BenchCase = {
  id: 'mq-publisher',
  rows: [{ name: NAME, goal: GOAL }],
  needs: [],
  async run(ctx) {
    const { exchange, queue, routingKey } = await declareBenchRoute(ctx.conn, ctx.cleanup);
    const client = new MqClient({ urls: [ctx.amqpUrl], connectionName: 'bench-mq-publisher' });
    ctx.cleanup.add(() => client.close());
    await client.waitReady(10_000);
    const publisher = client.createPublisher({ appId: 'bench' });
    const body = jsonMessage(); // a string on both sides: each client encodes it per publish
    const limits = (durationS: number): PublishLimits => ({ durationMs: durationS * 1000, inFlight: IN_FLIGHT });
    const purged = async (run: Run): Promise<Run> => {
      await ctx.conn.queuePurge({ queue });
      return run;
    };
    // Without a message id: the publisher draws one, as for any app that does not bring its own.
    const ours = (durationS = ctx.settings.durationS) =>
      metered(() => publishInLanes(() => publisher.publish({ exchange, routingKey, body, contentType: 'application/json' }), limits(durationS))).then(purged);
    const bare = (durationS = ctx.settings.durationS) => metered(() => publishMany(ctx.conn, { exchange, routingKey, body }, limits(durationS))).then(purged);
    await ours(1); // JIT warm-up, both sides
    await bare(1);
    const runs = await alternate(ctx.settings.rounds, bare, ours);
    const subject = median(runs.subject.map((r) => r.cpuUsPerMsg));
    const baseline = median(runs.baseline.map((r) => r.cpuUsPerMsg));
    const rate = (side: Run[]) => fmt(median(side.map((r) => r.msgsPerSec)));
    const ratio = subject / baseline;
    return [
      {
        name: NAME,
        measured: `${fmt(subject, 1)} µs/msg; ${rate(runs.subject)} msgs/s`,
        baseline: `rabbitmq-client confirm publisher: ${fmt(baseline, 1)} µs/msg; ${rate(runs.baseline)} msgs/s`,
        ratio,
        goal: GOAL,
        verdict: judgeAtMost(ratio, 1.5),
        note: `MqClient's publisher (no message id given, so it draws a ULID) against rabbitmq-client's createPublisher({ confirm: true }) with a random UUID, ${IN_FLIGHT} in flight each, 1 KiB JSON to a quorum queue, in the bench process (process.cpuUsage). ${ctx.settings.rounds} alternating round(s) of ${ctx.settings.durationS} s (median).`,
      },
    ];
  },
};
