// A closed-loop load run from this process: `connections` loops, each sending one request and
// awaiting its answer before the next, for `durationS`. For rows whose subject is client code
// (the publisher client) rather than a server, so autocannon cannot stand in for it.
import { percentile } from './context.ts';
import { cpuMeter } from './cpu.ts';
import type { MeteredLoad } from './measure.ts';

/** One request: resolves with its HTTP status (a thrown error counts as a connection error). */
export type Send = () => Promise<number>;

/** Runs the loops; `cpuUsPerReq` is THIS process's CPU per answered request (the client side). */
export async function fetchLoad(send: Send, connections: number, durationS: number): Promise<MeteredLoad> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const meter = cpuMeter(process.pid);
  const started = performance.now();
  const until = started + durationS * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        const status = await send();
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsedS = (performance.now() - started) / 1000;
  const ok = latencies.length;
  latencies.sort((a, b) => a - b);
  return {
    okPerSec: ok / elapsedS,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ok,
    statuses,
    errors,
    durationS: elapsedS,
    cpuUsPerReq: meter.stop(ok),
  };
}
