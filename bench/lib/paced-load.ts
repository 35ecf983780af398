// An open-loop load at a steady rate from this process, for the latency row. autocannon's
// `overallRate` is a per-connection quota per second: every connection sends its quota back to
// back at the start of each second and then waits, so "2,000/s" is a burst at full speed for part
// of each second and the latency measured is mostly queueing behind that burst. Here requests
// leave evenly: every millisecond tick sends those that are due, each body built when it leaves.
import { Pool } from 'undici';
import { percentile } from './context.ts';
import type { LoadResult } from './load.ts';

export interface PacedLoadOptions {
  url: string;
  /** A fresh body per request (e.g. stamped with its send time). */
  body: () => string;
  /** Requests per second, spread evenly. */
  rate: number;
  durationS: number;
  /** Keep-alive connections; requests beyond them wait in the pool's queue (the load stays open-loop). */
  connections: number;
}

/** Sends `rate` requests per second for `durationS`, then waits for the answers. */
export async function pacedLoad(options: PacedLoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections, keepAliveTimeout: 30_000 });
  const path = url.pathname + url.search;
  const headers = { 'content-type': 'application/json' };
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const pending: Array<Promise<void>> = [];
  let errors = 0;
  const send = async (): Promise<void> => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: 'POST', path, headers, body: options.body() });
      await res.body.dump();
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  };
  const total = Math.round(options.rate * options.durationS);
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
      while (pending.length < due) pending.push(send());
      if (pending.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const sentS = (performance.now() - started) / 1000;
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const ok = latencies.length;
  return { okPerSec: ok / sentS, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), ok, statuses, errors, durationS: sentS };
}
