// Rows: gateway single publish against minimal Hono + `await pub.send()`, three ways: tracing off
// (the default), every span exported, and 1% head sampling. The goals are CPU per request, each
// against the Hono baseline of the same run: on a saturated 2-core machine throughput only
// mirrors total CPU per request (docs/benchmarks.md, "Why 0.9x ... cannot be reached").
import { startGateway, startHonoBaseline, getJson, type Server } from '../lib/apps.ts';
import { declareBenchRoute } from '../lib/broker.ts';
import { rememberGatewayTracing } from '../lib/gateway-tracing.ts';
import type { BenchCase, BenchContext } from '../lib/context.ts';
import { fmtLoad, publishLoad, summarize, type MeteredLoad } from '../lib/measure.ts';
import { judgeAtLeast, judgeAtMost, type Row, type Verdict } from '../lib/table.ts';

const OFF = 'gateway single publish, tracing off';
const ON = 'gateway single publish, tracing+metrics on';
const SAMPLED = 'gateway single publish, 1% head-sampled';
const GOALS = { off: 'CPU <= 1.2x, req/s >= 0.9x', on: 'CPU <= 1.7x', sampled: 'CPU <= 1.3x' };
const SAMPLER = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.01' };

interface Subject {
  label: string;
  server: Server;
  url: string;
  runs: MeteredLoad[];
}

/** Each round loads every subject once, in turn, so drift on a shared machine hits them all. */
async function rounds(ctx: BenchContext, subjects: Subject[], purge: () => Promise<unknown>): Promise<void> {
  for (const s of subjects) await publishLoad(ctx, `warm-up ${s.label}`, s.url, { durationS: 1 });
  for (let i = 0; i < ctx.settings.rounds; i++) {
    for (const s of subjects) s.runs.push(await publishLoad(ctx, s.label, s.url, { pid: s.server.proc.pid }).finally(purge));
  }
}

function cpuRow(name: string, goal: string, subject: Subject, hono: Subject, verdict: (cpu: number, rps: number) => Verdict, note: string): Row {
  const ours = summarize(subject.runs);
  const base = summarize(hono.runs);
  const cpu = ours.cpuUsPerReq / base.cpuUsPerReq;
  const rps = ours.rps / base.rps;
  return {
    name,
    measured: `${ours.cpuUsPerReq.toFixed(0)} µs CPU/req; ${fmtLoad(ours)}`,
    baseline: `Hono + await pub.send(): ${base.cpuUsPerReq.toFixed(0)} µs CPU/req; ${fmtLoad(base)}`,
    ratio: cpu,
    goal,
    verdict: verdict(cpu, rps),
    note: `${note} Ratio = CPU per request (user + system from /proc), ours / Hono; throughput ${rps.toFixed(2)}x.`,
  };
}

export const gatewaySingle: BenchCase = {
  id: 'gateway-single',
  rows: [
    { name: OFF, goal: GOALS.off },
    { name: ON, goal: GOALS.on },
    { name: SAMPLED, goal: GOALS.sampled },
  ],
  needs: ['gateway'],
  async run(ctx) {
    const { exchange, queue, routingKey } = await declareBenchRoute(ctx.conn, ctx.cleanup);
    const otlp = await ctx.otlpSink();
    const route = { topic: 'bench', exchange, routingKey };
    const path = '/v1/topics/bench/messages';
    const subject = (label: string, server: Server, url = server.url + path): Subject => ({ label, server, url, runs: [] });
    const hono = await startHonoBaseline(ctx, exchange, routingKey);
    const subjects = [
      subject('hono baseline', hono, `${hono.url}/publish`),
      subject('gateway tracing off', await startGateway(ctx, route)),
      subject('gateway tracing on', await startGateway(ctx, { ...route, otlpUrl: otlp.url })),
      subject('gateway 1% sampled', await startGateway(ctx, { ...route, otlpUrl: otlp.url, env: SAMPLER })),
    ] as const;
    const exportsBefore = (await getJson<{ requests: number }>(`${otlp.url}/stats`)).requests;
    await rounds(ctx, [...subjects], () => ctx.conn.queuePurge({ queue }));
    const exports = (await getJson<{ requests: number }>(`${otlp.url}/stats`)).requests - exportsBefore;
    const [base, off, on, sampled] = subjects;
    ctx.memo.set('gateway.rps', summarize(off.runs).rps);
    rememberGatewayTracing(ctx.memo, { off: summarize(off.runs), on: summarize(on.runs), exports });
    const connections = `${ctx.settings.connections} connections, ${ctx.settings.rounds} round(s) of the four in turn (median).`;
    return [
      cpuRow(OFF, GOALS.off, off, base, (cpu, rps) => (judgeAtMost(cpu, 1.2) === 'pass' ? judgeAtLeast(rps, 0.9) : 'MISS'), connections),
      cpuRow(ON, GOALS.on, on, base, (cpu) => (exports > 0 ? judgeAtMost(cpu, 1.7) : 'error'), `${connections} Spans exported over OTLP to a local sink (${exports} export requests from both traced gateways).`),
      cpuRow(SAMPLED, GOALS.sampled, sampled, base, (cpu) => judgeAtMost(cpu, 1.3), `${connections} OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG 0.01.`),
    ];
  },
};
