// Row: gateway single publish with tracing and metrics on vs minimal Hono + `await pub.send()`.
import { startGateway, startHonoBaseline, getJson } from '../lib/apps.ts';
import { declareBenchRoute } from '../lib/broker.ts';
import { alternate, type BenchCase } from '../lib/context.ts';
import { cpuNote, fmtLoad, publishLoad, summarize } from '../lib/measure.ts';
import { judgeAtLeast } from '../lib/table.ts';

const NAME = 'gateway single publish, tracing+metrics on';
const GOAL = '>= 0.9x';

export const gatewaySingle: BenchCase = {
  id: 'gateway-single',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway'],
  async run(ctx) {
    const { exchange, queue, routingKey } = await declareBenchRoute(ctx.conn, ctx.cleanup);
    const otlp = await ctx.otlpSink();
    const gateway = await startGateway(ctx, { topic: 'bench', exchange, routingKey, otlpUrl: otlp.url });
    const hono = await startHonoBaseline(ctx, exchange, routingKey);
    const gatewayUrl = `${gateway.url}/v1/topics/bench/messages`;
    // Warm both (JIT, connection pools) before anything counts.
    await publishLoad(ctx, 'warm-up hono', `${hono.url}/publish`, { durationS: 1 });
    await publishLoad(ctx, 'warm-up gateway', gatewayUrl, { durationS: 1 });
    const exportsBefore = (await getJson<{ requests: number }>(`${otlp.url}/stats`)).requests;
    const runs = await alternate(
      ctx.settings.rounds,
      async () => publishLoad(ctx, 'hono baseline', `${hono.url}/publish`, { pid: hono.proc.pid }).finally(() => ctx.conn.queuePurge({ queue })),
      async () => publishLoad(ctx, 'gateway', gatewayUrl, { pid: gateway.proc.pid }).finally(() => ctx.conn.queuePurge({ queue })),
    );
    const exports = (await getJson<{ requests: number }>(`${otlp.url}/stats`)).requests - exportsBefore;
    const subject = summarize(runs.subject);
    const baseline = summarize(runs.baseline);
    ctx.memo.set('gateway.rps', subject.rps);
    const ratio = subject.rps / baseline.rps;
    return [
      {
        name: NAME,
        measured: fmtLoad(subject),
        baseline: `Hono + await pub.send(): ${fmtLoad(baseline)}`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 0.9),
        note: `${ctx.settings.connections} connections; tracing exported ${exports} OTLP requests to a local sink during the measured runs.${cpuNote('gateway vs Hono', subject.cpuUsPerReq, baseline.cpuUsPerReq)}`,
      },
    ];
  },
};
