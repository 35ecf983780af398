// Row: end-to-end latency p50/p99 at half the max rate, HTTP request into the gateway until the
// app receives the delivery. Baseline: minimal Hono + pub.send() into a bare rabbitmq-client
// consumer, at the same rate (the broker round trip with nothing of ours in it). A third path,
// the same Hono publisher into our consumer, splits the gap between the gateway and the consumer,
// and in full runs a fourth, Hono into a bare rabbitmq-client consumer that POSTs each message to
// the same app with undici, splits the consumer's part between our code and the HTTP hop itself
// (left out of `--quick`, which has to stay under 3 minutes).
// The load is paced evenly (bench/lib/paced-load.ts), not autocannon's per-second bursts.
import { setTimeout as sleep } from 'node:timers/promises';
import { getJson, startBareConsumer, startGateway, startHonoBaseline, startSinkApp, type Server } from '../lib/apps.ts';
import { declareBenchRoute } from '../lib/broker.ts';
import { consumerSetup } from '../lib/consumer-setup.ts';
import { median, type BenchCase, type BenchContext } from '../lib/context.ts';
import { cpuMeter } from '../lib/cpu.ts';
import { assertHealthy } from '../lib/load.ts';
import { pacedLoad } from '../lib/paced-load.ts';
import { stampedMessage } from '../lib/payload.ts';
import { fmt, fmtRatio } from '../lib/table.ts';

const NAME = 'end-to-end latency at half max rate';
const GOAL = 'p50 <= 1.5x, p99 <= 1.2x';
const [P50_GOAL, P99_GOAL] = [1.5, 1.2];
/** Paced load before each path's first slice (connections, JIT), not counted. */
const WARM_UP_S = 1;
/** Longest slice of load per path before the next path takes its turn. */
const SLICE_S = 5;

interface Received {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

interface Path {
  what: string;
  url: string;
  /** Where the deliveries land and are timed. */
  receiver: Server;
  /** The process that consumes (its CPU per message goes into the note). */
  consumer: Server;
}

interface Measured extends Received {
  cpuUsPerMsg: number;
}

/**
 * Sends stamped messages at `rate`/s, evenly, for `durationS` (after a warm-up when asked), then
 * waits until the receiver has seen all of them.
 */
async function measureAt(ctx: BenchContext, path: Path, rate: number, durationS: number, warmUp: boolean): Promise<Measured> {
  const load = (seconds: number) => pacedLoad({ url: path.url, body: stampedMessage, connections: ctx.settings.connections, durationS: seconds, rate });
  if (warmUp) await load(WARM_UP_S);
  await sleep(200);
  await fetch(`${path.receiver.url}/reset`, { method: 'POST' });
  const meter = cpuMeter(path.consumer.proc.pid);
  const result = await load(durationS);
  assertHealthy(`e2e load to ${path.url}`, result);
  const deadline = performance.now() + 60_000;
  for (;;) {
    const stats = await getJson<Received>(`${path.receiver.url}/stats`);
    if (stats.count >= result.ok) {
      const cpuUsPerMsg = meter.stop(stats.count);
      ctx.log(`e2e ${path.what} at ${rate}/s: p50 ${fmt(stats.p50Ms, 1)} ms, p99 ${fmt(stats.p99Ms, 1)} ms (publish answer p50 ${fmt(result.p50Ms, 1)} ms); consumer CPU ${fmt(cpuUsPerMsg)} µs/msg`);
      return { ...stats, cpuUsPerMsg };
    }
    if (performance.now() > deadline) throw new Error(`only ${stats.count} of ${result.ok} messages arrived`);
    await sleep(100);
  }
}

/**
 * The run's measuring time per path, cut into slices of at most {@link SLICE_S} and taken in turn
 * with the other paths, the order reversed every slice: a stall of the shared broker or machine
 * (here, p50s of 2.5 ms and 600 ms in consecutive 15 s rounds of the same path) then spoils a
 * few slices of every path instead of a whole round of one. Reports each path's median slice.
 */
async function measureSlices(ctx: BenchContext, paths: Path[], rate: number): Promise<{ measured: Measured[]; slices: number }> {
  const perRound = Math.ceil(ctx.settings.durationS / SLICE_S);
  const [slices, sliceS] = [ctx.settings.rounds * perRound, ctx.settings.durationS / perRound];
  const runs: Measured[][] = paths.map(() => []);
  for (let slice = 0; slice < slices; slice++) {
    const order = paths.map((_, i) => (slice % 2 === 0 ? i : paths.length - 1 - i));
    for (const i of order) runs[i]!.push(await measureAt(ctx, paths[i]!, rate, sliceS, slice === 0));
  }
  const measured = runs.map((r) => ({
    count: r.reduce((sum, m) => sum + m.count, 0),
    p50Ms: median(r.map((m) => m.p50Ms)),
    p99Ms: median(r.map((m) => m.p99Ms)),
    cpuUsPerMsg: median(r.map((m) => m.cpuUsPerMsg)),
  }));
  return { measured, slices };
}

/** Used when this case runs without the rows that measure the max rates (`--only e2e-latency`). */
const FALLBACK_RATE = 200;

/** Half the slower of the two stages (gateway publish, consumer HTTP delivery) measured earlier. */
function halfMaxRate(ctx: BenchContext): { rate: number; why: string } {
  const rates = [ctx.memo.get('gateway.rps'), ctx.memo.get('consumer.http.rate')].filter((r): r is number => r !== undefined && r > 0);
  if (rates.length < 2) return { rate: FALLBACK_RATE, why: 'a fixed rate: the gateway-single and consumer-http rows did not run' };
  return { rate: Math.max(10, Math.floor(Math.min(...rates) / 2)), why: 'half the slower of gateway publish and consumer HTTP delivery in this run' };
}

/** Hono -> a bare rabbitmq-client consumer with one undici POST per message -> the same app. */
async function startHttpHopPath(ctx: BenchContext, app: Server): Promise<Path> {
  const route = await declareBenchRoute(ctx.conn, ctx.cleanup);
  const { prefetch } = ctx.settings;
  const [hono, consumer] = await Promise.all([
    startHonoBaseline(ctx, route.exchange, route.routingKey),
    startBareConsumer(ctx, route.queue, prefetch, prefetch, false, `${app.url}/deliveries`),
  ]);
  return { what: 'Hono -> bare HTTP consumer -> app', url: `${hono.url}/publish`, receiver: app, consumer };
}

const latency = (m: Received): string => `p50 ${fmt(m.p50Ms, 1)} ms, p99 ${fmt(m.p99Ms, 1)} ms`;

/** Our consumer's own share of the gap: Hono -> our consumer against Hono -> the bare HTTP consumer. */
function httpHopNote(honoToOurs: Measured, httpHop: Measured | undefined): string {
  if (!httpHop) return '';
  const [p50, p99] = [honoToOurs.p50Ms / httpHop.p50Ms, honoToOurs.p99Ms / httpHop.p99Ms];
  return `Hono -> bare rabbitmq-client + one undici POST per message -> the same app, same rate: ${latency(httpHop)} (the HTTP hop with none of our consumer's code; Hono -> our consumer is ${fmtRatio(p50)} of its p50, ${fmtRatio(p99)} of its p99; its consumer's CPU ${fmt(httpHop.cpuUsPerMsg)} µs per message). `;
}

export const e2eLatency: BenchCase = {
  id: 'e2e-latency',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway', 'consumer'],
  async run(ctx) {
    const { rate, why } = halfMaxRate(ctx);
    const { prefetch } = ctx.settings;
    const app = await startSinkApp(ctx);
    const setup = consumerSetup(ctx, { url: `${app.url}/deliveries` });
    const bareRoute = await declareBenchRoute(ctx.conn, ctx.cleanup);
    const consumer = await setup.start();
    const { exchange, routingKey } = setup.options;
    const [gateway, honoToOurs, hono, bare, httpHopPath] = await Promise.all([
      startGateway(ctx, { topic: 'bench', exchange, routingKey }),
      startHonoBaseline(ctx, exchange, routingKey),
      startHonoBaseline(ctx, bareRoute.exchange, bareRoute.routingKey),
      startBareConsumer(ctx, bareRoute.queue, prefetch, prefetch, true),
      ctx.quick ? undefined : startHttpHopPath(ctx, app),
    ]);
    const {
      measured: [ours, split, baseline, httpHop],
      slices,
    } = await measureSlices(
      ctx,
      [
        { what: 'gateway -> consumer -> app', url: `${gateway.url}/v1/topics/bench/messages`, receiver: app, consumer },
        { what: 'Hono -> consumer -> app', url: `${honoToOurs.url}/publish`, receiver: app, consumer },
        { what: 'Hono -> bare consumer', url: `${hono.url}/publish`, receiver: bare, consumer: bare },
        ...(httpHopPath ? [httpHopPath] : []),
      ],
      rate,
    );
    const p50 = ours!.p50Ms / baseline!.p50Ms;
    const p99 = ours!.p99Ms / baseline!.p99Ms;
    return [
      {
        name: NAME,
        measured: `${latency(ours!)} (p50 ${fmtRatio(p50)}, p99 ${fmtRatio(p99)})`,
        baseline: `Hono + pub.send() -> bare consumer: ${latency(baseline!)}`,
        ratio: p50,
        goal: GOAL,
        verdict: p50 <= P50_GOAL && p99 <= P99_GOAL ? 'pass' : 'MISS',
        note:
          `At ${fmt(rate)} msgs/s (${why}), paced evenly over ${ctx.settings.connections} keep-alive connections, ${fmt(ctx.settings.durationS * ctx.settings.rounds)} s per path after a ${WARM_UP_S} s warm-up, in ${slices} alternating slice(s) (median slice); ` +
          `ours = gateway -> broker -> consumer -> HTTP to the app, timed by the app from a send stamp; the ratio column is p50's. ` +
          `Hono -> our consumer -> app, same rate: ${latency(split!)} (the gateway's share of the gap is ours minus this, the consumer's and the app hop's this minus the baseline). ` +
          httpHopNote(split!, httpHop) +
          `Consumer CPU per message: ours ${fmt(ours!.cpuUsPerMsg)} µs, bare ${fmt(baseline!.cpuUsPerMsg)} µs.`,
      },
    ];
  },
};
