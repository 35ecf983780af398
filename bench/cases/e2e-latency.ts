// Row: end-to-end latency p50/p99 at half the max rate, HTTP request into the gateway until the
// app receives the delivery. Baseline: minimal Hono + pub.send() into a bare rabbitmq-client
// consumer, at the same rate (the broker round trip with nothing of ours in it).
import { setTimeout as sleep } from 'node:timers/promises';
import { getJson, startBareConsumer, startGateway, startHonoBaseline, startSinkApp, type Server } from '../lib/apps.ts';
import { declareBenchRoute } from '../lib/broker.ts';
import { consumerSetup } from '../lib/consumer-setup.ts';
import type { BenchCase, BenchContext } from '../lib/context.ts';
import { assertHealthy, runLoad } from '../lib/load.ts';
import { stampedMessage } from '../lib/payload.ts';
import { fmt } from '../lib/table.ts';

const NAME = 'end-to-end latency at half max rate';
const GOAL = 'report';

interface Received {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** Sends stamped messages at `rate`/s, then waits until the receiver has seen all of them. */
async function measureAt(ctx: BenchContext, url: string, receiver: Server, rate: number): Promise<Received> {
  await fetch(`${receiver.url}/reset`, { method: 'POST' });
  const load = await runLoad({ url, body: stampedMessage, connections: ctx.settings.connections, durationS: ctx.settings.durationS, overallRate: rate });
  assertHealthy(`e2e load to ${url}`, load);
  const deadline = performance.now() + 60_000;
  for (;;) {
    const stats = await getJson<Received>(`${receiver.url}/stats`);
    if (stats.count >= load.ok) return stats;
    if (performance.now() > deadline) throw new Error(`only ${stats.count} of ${load.ok} messages arrived`);
    await sleep(100);
  }
}

/** Used when this case runs without the rows that measure the max rates (`--only e2e-latency`). */
const FALLBACK_RATE = 200;

/** Half the slower of the two stages (gateway publish, consumer HTTP delivery) measured earlier. */
function halfMaxRate(ctx: BenchContext): { rate: number; why: string } {
  const rates = [ctx.memo.get('gateway.rps'), ctx.memo.get('consumer.http.rate')].filter((r): r is number => r !== undefined && r > 0);
  if (rates.length < 2) return { rate: FALLBACK_RATE, why: 'a fixed rate: the gateway-single and consumer-http rows did not run' };
  return { rate: Math.max(10, Math.floor(Math.min(...rates) / 2)), why: 'half the slower of gateway publish and consumer HTTP delivery in this run' };
}

export const e2eLatency: BenchCase = {
  id: 'e2e-latency',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway', 'consumer'],
  async run(ctx) {
    const { rate, why } = halfMaxRate(ctx);
    const app = await startSinkApp(ctx);
    const setup = consumerSetup(ctx, { url: `${app.url}/deliveries` });
    const bareRoute = await declareBenchRoute(ctx.conn, ctx.cleanup);
    const consumer = await setup.start();
    const gateway = await startGateway(ctx, { topic: 'bench', exchange: setup.options.exchange, routingKey: 'bench.msg' });
    const ours = await measureAt(ctx, `${gateway.url}/v1/topics/bench/messages`, app, rate);
    await Promise.all([consumer.proc.stop(), gateway.proc.stop()]);
    const { prefetch } = ctx.settings;
    const hono = await startHonoBaseline(ctx, bareRoute.exchange, bareRoute.routingKey);
    const bare = await startBareConsumer(ctx, bareRoute.queue, prefetch, prefetch, true);
    const baseline = await measureAt(ctx, `${hono.url}/publish`, bare, rate);
    ctx.log(`e2e at ${rate}/s: ours p50 ${ours.p50Ms} p99 ${ours.p99Ms}; baseline p50 ${baseline.p50Ms} p99 ${baseline.p99Ms}`);
    return [
      {
        name: NAME,
        measured: `p50 ${fmt(ours.p50Ms, 1)} ms, p99 ${fmt(ours.p99Ms, 1)} ms`,
        baseline: `Hono + pub.send() -> bare consumer: p50 ${fmt(baseline.p50Ms, 1)} ms, p99 ${fmt(baseline.p99Ms, 1)} ms`,
        ratio: ours.p99Ms / baseline.p99Ms,
        goal: GOAL,
        verdict: 'report',
        note: `At ${fmt(rate)} msgs/s (${why}) for ${ctx.settings.durationS} s; ours = gateway -> broker -> consumer -> HTTP to the app, timed by the app from a send stamp; ratio on p99.`,
      },
    ];
  },
};
