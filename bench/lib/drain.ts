// Consumer rows share one shape: fill a queue with a backlog, start a consumer process, measure
// how fast the backlog drains and how much memory the process holds meanwhile.
import { publishMany, waitDepth, watchDrain, type DrainRun } from './broker.ts';
import type { Server } from './apps.ts';
import { cpuMeter } from './cpu.ts';
import { median, type BenchContext } from './context.ts';
import { jsonMessage } from './payload.ts';
import { sampleRss, type RssSummary } from './rss.ts';
import { fmt } from './table.ts';

/** Publishes `count` 1 KiB messages through `exchange` and waits until the queue holds them. */
export async function fillBacklog(ctx: BenchContext, target: { exchange: string; routingKey: string; queue: string }, count: number): Promise<void> {
  const run = await publishMany(ctx.conn, { exchange: target.exchange, routingKey: target.routingKey, body: jsonMessage() }, { count, inFlight: 256 });
  ctx.log(`filled ${target.queue} with ${fmt(count)} messages at ${fmt(run.msgsPerSec)} msgs/s`);
  await waitDepth(ctx.conn, target.queue, count);
}

export interface DrainResult {
  drain: DrainRun;
  rss: RssSummary;
  /** CPU the consumer process spent per message while draining (boot excluded). */
  cpuUsPerMsg: number;
}

/** The median rate and CPU per message of some drains (each taken on its own). */
export function medianDrain(results: DrainResult[]): { msgsPerSec: number; cpuUsPerMsg: number } {
  return { msgsPerSec: median(results.map((r) => r.drain.msgsPerSec)), cpuUsPerMsg: median(results.map((r) => r.cpuUsPerMsg)) };
}

/**
 * Starts a consumer process on a filled queue, waits until the queue is empty, stops it.
 * `beforeStop` reads what the process knows (its /metrics) while it still runs.
 */
export async function drainWith(
  ctx: BenchContext,
  what: string,
  queue: string,
  backlog: number,
  start: () => Promise<Server>,
  beforeStop?: (server: Server) => Promise<void>,
): Promise<DrainResult> {
  const server = await start();
  const sampler = sampleRss(server.proc.pid, 100);
  try {
    // At least 100 msgs/s or it is a failure, not a number.
    let meter: ReturnType<typeof cpuMeter> | undefined;
    const drain = await watchDrain(ctx.conn, queue, backlog, 60_000 + backlog * 10, () => (meter = cpuMeter(server.proc.pid)));
    const cpuUsPerMsg = meter?.stop(drain.messages) ?? Number.NaN;
    const rss = sampler.stop();
    await beforeStop?.(server);
    ctx.log(`${what}: drained ${fmt(drain.messages)} in ${drain.seconds.toFixed(1)} s = ${fmt(drain.msgsPerSec)} msgs/s, RSS max ${fmt(rss.maxMb)} MB, CPU ${fmt(cpuUsPerMsg)} µs/msg`);
    return { drain, rss, cpuUsPerMsg };
  } finally {
    sampler.stop();
    await server.proc.stop();
  }
}
