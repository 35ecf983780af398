// Row: the publisher client (@mq/client) publishing through the gateway vs raw fetch to the same
// gateway, in the same run, from this process with the same concurrency and message.
import { randomUUID } from 'node:crypto';
import { createPublisher } from '@mq/client';
import { startGateway } from '../lib/apps.ts';
import { declareBenchRoute } from '../lib/broker.ts';
import { alternate, type BenchContext, type BenchCase } from '../lib/context.ts';
import { fetchLoad, type Send } from '../lib/fetch-load.ts';
import { assertHealthy } from '../lib/load.ts';
import { cpuNote, fmtLoad, summarize, type MeteredLoad } from '../lib/measure.ts';
import { jsonMessage } from '../lib/payload.ts';
import { fmt, judgeAtLeast } from '../lib/table.ts';

const NAME = 'publisher client through the gateway';
const GOAL = '>= 0.95x';

/** What a careful hand-written caller sends: the JSON body with an Idempotency-Key of its own. */
function rawSend(url: string, data: object): Send {
  return async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(data),
    });
    await response.arrayBuffer();
    return response.status;
  };
}

function clientSend(gatewayUrl: string, data: object): Send {
  const publisher = createPublisher({ url: gatewayUrl });
  return async () => {
    await publisher.publish('bench', data);
    return 202;
  };
}

async function measure(ctx: BenchContext, what: string, send: Send, durationS = ctx.settings.durationS): Promise<MeteredLoad> {
  const result = await fetchLoad(send, ctx.settings.connections, durationS);
  assertHealthy(what, result);
  ctx.log(`${what}: ${fmt(result.okPerSec)} req/s, p50 ${fmt(result.p50Ms, 1)} ms, p99 ${fmt(result.p99Ms, 1)} ms, client CPU ${fmt(result.cpuUsPerReq)} µs/req`);
  return result;
}

export const clientPublish: BenchCase = {
  id: 'client-publish',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway'],
  async run(ctx) {
    const { exchange, queue, routingKey } = await declareBenchRoute(ctx.conn, ctx.cleanup);
    const gateway = await startGateway(ctx, { topic: 'bench', exchange, routingKey });
    const data = JSON.parse(jsonMessage()) as object;
    const raw = rawSend(`${gateway.url}/v1/topics/bench/messages`, data);
    const client = clientSend(gateway.url, data);
    await measure(ctx, 'warm-up raw fetch', raw, 1);
    await measure(ctx, 'warm-up client', client, 1);
    const runs = await alternate(
      ctx.settings.rounds,
      async () => measure(ctx, 'raw fetch', raw).finally(() => ctx.conn.queuePurge({ queue })),
      async () => measure(ctx, 'client', client).finally(() => ctx.conn.queuePurge({ queue })),
    );
    const subject = summarize(runs.subject);
    const baseline = summarize(runs.baseline);
    const ratio = subject.rps / baseline.rps;
    return [
      {
        name: NAME,
        measured: fmtLoad(subject),
        baseline: `raw fetch to the same gateway: ${fmtLoad(baseline)}`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 0.95),
        note: `${ctx.settings.connections} concurrent publishes from the bench process, 1 KiB JSON, a fresh id per message on both sides.${cpuNote('client side, this process', subject.cpuUsPerReq, baseline.cpuUsPerReq)}`,
      },
    ];
  },
};
