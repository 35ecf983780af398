// Rows: what tracing costs. Gateway single-publish throughput and consumer drain rate with spans
// exported over OTLP to a local sink, against the same process with tracing off (the default).
// The gateway's pair comes from gateway-single's rounds when that case ran before.
import { getJson, startGateway, writeNoopHandler } from '../lib/apps.ts';
import { declareBenchRoute } from '../lib/broker.ts';
import { consumerSetup } from '../lib/consumer-setup.ts';
import { alternate, type BenchCase, type BenchContext } from '../lib/context.ts';
import { drainWith, type DrainResult } from '../lib/drain.ts';
import { recallGatewayTracing, type GatewayTracing } from '../lib/gateway-tracing.ts';
import { fmtLoad, publishLoad, summarize } from '../lib/measure.ts';
import { fmt, type Row } from '../lib/table.ts';

const GATEWAY = 'tracing on vs off, gateway';
const CONSUMER = 'tracing on vs off, consumer';
const GOAL = 'report';

async function exportsSoFar(ctx: BenchContext): Promise<number> {
  return (await getJson<{ requests: number }>(`${(await ctx.otlpSink()).url}/stats`)).requests;
}

/** Tracing off and on, loaded in turn on two gateways of their own. */
async function measureGatewayTracing(ctx: BenchContext, otlpUrl: string): Promise<GatewayTracing> {
  const { exchange, queue, routingKey } = await declareBenchRoute(ctx.conn, ctx.cleanup);
  const route = { topic: 'bench', exchange, routingKey };
  const off = await startGateway(ctx, route);
  const on = await startGateway(ctx, { ...route, otlpUrl });
  const path = '/v1/topics/bench/messages';
  await publishLoad(ctx, 'warm-up gateway tracing off', off.url + path, { durationS: 1 });
  await publishLoad(ctx, 'warm-up gateway tracing on', on.url + path, { durationS: 1 });
  const before = await exportsSoFar(ctx);
  const runs = await alternate(
    ctx.settings.rounds,
    async () => publishLoad(ctx, 'gateway tracing off', off.url + path, { pid: off.proc.pid }).finally(() => ctx.conn.queuePurge({ queue })),
    async () => publishLoad(ctx, 'gateway tracing on', on.url + path, { pid: on.proc.pid }).finally(() => ctx.conn.queuePurge({ queue })),
  );
  const exports = (await exportsSoFar(ctx)) - before;
  await Promise.all([off.proc.stop(), on.proc.stop()]);
  return { off: summarize(runs.baseline), on: summarize(runs.subject), exports };
}

async function gatewayRow(ctx: BenchContext, otlpUrl: string): Promise<Row> {
  const recalled = recallGatewayTracing(ctx.memo);
  const { off, on, exports } = recalled ?? (await measureGatewayTracing(ctx, otlpUrl));
  const where = recalled ? 'the tracing-off and tracing+metrics-on rounds of gateway single publish above' : 'two gateways of its own, alternated';
  return {
    name: GATEWAY,
    measured: `on: ${fmt(on.cpuUsPerReq)} µs CPU/req (${fmtLoad(on)})`,
    baseline: `off: ${fmt(off.cpuUsPerReq)} µs CPU/req (${fmtLoad(off)})`,
    ratio: on.cpuUsPerReq / off.cpuUsPerReq,
    goal: GOAL,
    verdict: exports > 0 ? 'report' : 'error',
    note: `Single publishes, measured in ${where}; spans exported over OTLP http/protobuf to a local sink that discards them (${exports} export requests arrived). The ratio is CPU per request, on / off: the cost, and steadier than throughput on a shared machine.`,
  };
}

async function consumerRow(ctx: BenchContext, otlpUrl: string): Promise<Row> {
  const setup = consumerSetup(ctx, { module: await writeNoopHandler(ctx) });
  const { backlog } = ctx.settings;
  const { queue } = setup.options;
  await setup.prepare();
  const before = await exportsSoFar(ctx);
  const drainAt = async (tracing: boolean): Promise<DrainResult> => {
    await setup.fill(backlog);
    const start = () => setup.start(tracing ? { otlpUrl } : {});
    return drainWith(ctx, `consumer tracing ${tracing ? 'on' : 'off'}`, queue, backlog, start);
  };
  // One round: a drain is long enough, and a full run's backlog makes more rounds slow.
  const off = await drainAt(false);
  const on = await drainAt(true);
  const exports = (await exportsSoFar(ctx)) - before;
  return {
    name: CONSUMER,
    measured: `on: ${fmt(on.cpuUsPerMsg)} µs CPU/msg (${fmt(on.drain.msgsPerSec)} msgs/s)`,
    baseline: `off: ${fmt(off.cpuUsPerMsg)} µs CPU/msg (${fmt(off.drain.msgsPerSec)} msgs/s)`,
    ratio: on.cpuUsPerMsg / off.cpuUsPerMsg,
    goal: GOAL,
    verdict: exports > 0 ? 'report' : 'error',
    note: `In-process no-op handler draining ${fmt(backlog)} messages; ${exports} OTLP export requests arrived. The ratio is CPU per message, on / off.`,
  };
}

export const tracingCost: BenchCase = {
  id: 'tracing-cost',
  rows: [
    { name: GATEWAY, goal: GOAL },
    { name: CONSUMER, goal: GOAL },
  ],
  needs: ['gateway', 'consumer'],
  async run(ctx) {
    const otlp = await ctx.otlpSink();
    return [await gatewayRow(ctx, otlp.url), await consumerRow(ctx, otlp.url)];
  },
};
