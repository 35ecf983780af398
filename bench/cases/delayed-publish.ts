// Rows: publishing with random delays (up to 60 s; 10 s with --quick) through the gateway vs
// publishing without a delay in the same run (rate ratio), the delivery lateness after the due
// time, and the gateway and consumer RSS while the delayed messages wait in the broker.
import { setTimeout as sleep } from 'node:timers/promises';
import { getJson, startGateway, startSinkApp, type Server } from '../lib/apps.ts';
import { consumerSetup } from '../lib/consumer-setup.ts';
import type { BenchCase, BenchContext } from '../lib/context.ts';
import { assertHealthy, runLoad, type LoadResult, type LoadOptions } from '../lib/load.ts';
import { jsonMessage } from '../lib/payload.ts';
import { sampleRss, type RssSummary } from '../lib/rss.ts';
import { fmt, judgeAtLeast, type Row } from '../lib/table.ts';

const RATE = 'delayed publish rate, random delays';
const LATENESS = 'delayed delivery lateness after due time';
const RSS = 'gateway + consumer RSS while delayed messages wait';

interface SinkStats {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** A request with a random delay of 1 ms to `maxDelayMs`; the body's stamp is the due time, so the sink measures lateness. */
function delayedRequest(maxDelayMs: number): { body: string; headers: Record<string, string> } {
  const delayMs = 1 + Math.floor(Math.random() * maxDelayMs);
  const dueNs = process.hrtime.bigint() + BigInt(delayMs) * 1_000_000n;
  return { body: jsonMessage(dueNs), headers: { delay: `PT${(delayMs / 1000).toFixed(3)}S` } };
}

const publishOptions = (ctx: BenchContext, url: string, extra: Partial<LoadOptions> = {}): LoadOptions => ({
  url, body: jsonMessage(), connections: ctx.settings.connections, durationS: 600, amount: ctx.settings.delayedMessages, ...extra,
});

/** Polls the sink until it has `count` messages; its latency stats then. */
async function delivered(sink: Server, count: number, waitMs: number): Promise<SinkStats> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const stats = await getJson<SinkStats>(`${sink.url}/stats`);
    if (stats.count >= count) return stats;
    if (performance.now() > deadline) throw new Error(`only ${stats.count} of ${count} messages arrived`);
    await sleep(200);
  }
}

/** Undelayed: publish, wait until all were delivered, so the delayed phase starts on an empty queue. */
async function undelayedPhase(ctx: BenchContext, url: string, sink: Server, waitMs: number): Promise<LoadResult> {
  await fetch(`${sink.url}/reset`, { method: 'POST' });
  const load = await runLoad(publishOptions(ctx, url));
  assertHealthy('undelayed publish', load);
  await delivered(sink, load.ok, waitMs);
  return load;
}

interface DelayedPhase {
  load: LoadResult;
  sink: SinkStats;
  /** Per process (gateway, consumer): while publishing, the first half of the longest delay, the rest of the wait. */
  rss: Array<{ publishing: RssSummary; early: RssSummary; late: RssSummary }>;
}

/** Delayed: publish with random delays, then wait for every delivery, sampling both processes' RSS. */
async function delayedPhase(ctx: BenchContext, url: string, sink: Server, pids: number[], waitMs: number): Promise<DelayedPhase> {
  await fetch(`${sink.url}/reset`, { method: 'POST' });
  const sample = () => pids.map((pid) => sampleRss(pid, 200));
  const publishingSamplers = sample();
  const maxDelayMs = ctx.settings.maxDelayS * 1000;
  const load = await runLoad(publishOptions(ctx, url, { request: () => delayedRequest(maxDelayMs) }));
  const publishing = publishingSamplers.map((s) => s.stop());
  assertHealthy('delayed publish', load);
  const earlySamplers = sample();
  const done = delivered(sink, load.ok, waitMs);
  await Promise.race([sleep(maxDelayMs / 2), done]);
  const early = earlySamplers.map((s) => s.stop());
  const lateSamplers = sample();
  const stats = await done;
  const late = lateSamplers.map((s) => s.stop());
  return { load, sink: stats, rss: pids.map((_, i) => ({ publishing: publishing[i]!, early: early[i]!, late: late[i]! })) };
}

/** Flat: the later half of the wait peaks no higher than the earlier one (+10% or 10 MB of noise). */
function flat({ early, late }: DelayedPhase['rss'][number]): boolean {
  return late.maxMb <= Math.max(early.maxMb * 1.1, early.maxMb + 10);
}

/** The case's three rows from the two phases. */
function rowsOf(ctx: BenchContext, undelayed: LoadResult, delayed: DelayedPhase): Row[] {
  const ratio = delayed.load.okPerSec / undelayed.okPerSec;
  const [gw, co] = delayed.rss as [DelayedPhase['rss'][number], DelayedPhase['rss'][number]];
  const rssText = (r: typeof gw) => `publishing ${fmt(r.publishing.maxMb)}, waiting ${fmt(r.early.maxMb)} then ${fmt(r.late.maxMb)} MB`;
  return [
    {
      name: RATE,
      measured: `${fmt(delayed.load.okPerSec)} msgs/s`,
      baseline: `undelayed, same gateway: ${fmt(undelayed.okPerSec)} msgs/s`,
      ratio,
      goal: '>= 0.9x',
      verdict: judgeAtLeast(ratio, 0.9),
      note: `${ctx.settings.delayedMessages} messages each, ${ctx.settings.connections} connections, \`Delay\` uniform in 1 ms .. ${ctx.settings.maxDelayS} s; the consumer runs throughout.`,
    },
    {
      name: LATENESS,
      measured: `p50 ${fmt(delayed.sink.p50Ms, 1)} ms, p99 ${fmt(delayed.sink.p99Ms, 1)} ms`,
      baseline: `goal: max(1 s, 1% of the delay) = 1 s for delays up to ${ctx.settings.maxDelayS} s`,
      ratio: delayed.sink.p99Ms / 1000,
      goal: 'p99 <= 1 s',
      verdict: delayed.sink.p99Ms <= 1000 ? 'pass' : 'MISS',
      note: 'Arrival at the app minus the due time the client stamped (its send time + delay, a little before the gateway\'s, so this errs late); includes the delivery to the app.',
    },
    {
      name: RSS,
      measured: `gateway ${rssText(gw)}; consumer ${rssText(co)}`,
      baseline: `${delayed.load.ok} messages waiting in the broker`,
      ratio: undefined,
      goal: 'flat',
      verdict: flat(gw) && flat(co) ? 'pass' : 'MISS',
      note: `Waiting = the first ${ctx.settings.maxDelayS / 2} s after the last publish, then until the last delivery; flat = the later peak within +10% / 10 MB of the earlier.`,
    },
  ];
}

export const delayedPublish: BenchCase = {
  id: 'delayed-publish',
  rows: [
    { name: RATE, goal: '>= 0.9x' },
    { name: LATENESS, goal: 'p99 <= 1 s' },
    { name: RSS, goal: 'flat' },
  ],
  needs: ['gateway', 'consumer'],
  async run(ctx) {
    const sink = await startSinkApp(ctx);
    const setup = consumerSetup(ctx, { url: `${sink.url}/deliveries` });
    const consumer = await setup.start();
    const gateway = await startGateway(ctx, { topic: 'bench', exchange: setup.options.exchange, routingKey: 'bench.msg' });
    const url = `${gateway.url}/v1/topics/bench/messages`;
    await runLoad({ url, body: jsonMessage(), connections: 8, durationS: 1 }); // warm: JIT and pools
    const waitMs = 2 * ctx.settings.maxDelayS * 1000 + ctx.settings.delayedMessages; // the longest delay plus a generous drain
    const undelayed = await undelayedPhase(ctx, url, sink, waitMs);
    const delayed = await delayedPhase(ctx, url, sink, [gateway.proc.pid, consumer.proc.pid], waitMs);
    ctx.log(`delayed ${fmt(delayed.load.okPerSec)}/s vs undelayed ${fmt(undelayed.okPerSec)}/s; lateness p50 ${delayed.sink.p50Ms} p99 ${delayed.sink.p99Ms} ms`);
    return rowsOf(ctx, undelayed, delayed);
  },
};
