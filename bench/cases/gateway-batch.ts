// Row: gateway batch publish (100 per request), msgs/s, vs bare rabbitmq-client with 256 in flight.
import { startGateway } from '../lib/apps.ts';
import { declareBenchRoute, publishMany } from '../lib/broker.ts';
import { alternate, median, type BenchCase } from '../lib/context.ts';
import { cpuMeter } from '../lib/cpu.ts';
import { cpuNote, publishLoad } from '../lib/measure.ts';
import { batchBody, jsonMessage } from '../lib/payload.ts';
import { fmt, judgeAtLeast } from '../lib/table.ts';

const NAME = 'gateway batch publish (100/request)';
const GOAL = '>= 0.8x';
const BATCH = 100;
const BARE_IN_FLIGHT = 256;
/** 3 requests of 100 in flight is about the 256 messages the bare publisher keeps in flight. */
const BATCH_CONNECTIONS = 3;

interface Run {
  msgsPerSec: number;
  cpuUsPerMsg: number;
}

export const gatewayBatch: BenchCase = {
  id: 'gateway-batch',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway'],
  async run(ctx) {
    const { exchange, queue, routingKey } = await declareBenchRoute(ctx.conn, ctx.cleanup);
    const gateway = await startGateway(ctx, { topic: 'bench', exchange, routingKey });
    const url = `${gateway.url}/v1/topics/bench/messages/batch`;
    const body = batchBody(BATCH);
    const gatewayRun = async (durationS = ctx.settings.durationS): Promise<Run> => {
      const result = await publishLoad(ctx, 'gateway batch', url, { body, connections: BATCH_CONNECTIONS, durationS, pid: gateway.proc.pid });
      await ctx.conn.queuePurge({ queue });
      return { msgsPerSec: result.okPerSec * BATCH, cpuUsPerMsg: result.cpuUsPerReq / BATCH };
    };
    const bareRun = async (durationMs = ctx.settings.durationS * 1000): Promise<Run> => {
      // The bare publisher runs in this process, which does nothing else meanwhile.
      const meter = cpuMeter(process.pid);
      const result = await publishMany(ctx.conn, { exchange, routingKey, body: jsonMessage() }, { durationMs, inFlight: BARE_IN_FLIGHT });
      const cpuUsPerMsg = meter.stop(result.messages);
      ctx.log(`bare publisher: ${fmt(result.msgsPerSec)} msgs/s, CPU ${fmt(cpuUsPerMsg)} µs/msg`);
      await ctx.conn.queuePurge({ queue });
      return { msgsPerSec: result.msgsPerSec, cpuUsPerMsg };
    };
    await gatewayRun(1);
    await bareRun(1000);
    const runs = await alternate(ctx.settings.rounds, bareRun, gatewayRun);
    const subject = median(runs.subject.map((r) => r.msgsPerSec));
    const baseline = median(runs.baseline.map((r) => r.msgsPerSec));
    const cpu = cpuNote('gateway vs bare', median(runs.subject.map((r) => r.cpuUsPerMsg)), median(runs.baseline.map((r) => r.cpuUsPerMsg)), 'message');
    const ratio = subject / baseline;
    return [
      {
        name: NAME,
        measured: `${fmt(subject)} msgs/s`,
        baseline: `bare rabbitmq-client, ${BARE_IN_FLIGHT} in flight: ${fmt(baseline)} msgs/s`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 0.8),
        note: `${BATCH_CONNECTIONS} HTTP connections x ${BATCH} messages per request; the bare publisher runs in the bench process on its own connection.${cpu}`,
      },
    ];
  },
};
