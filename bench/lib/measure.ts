// Shared measurement steps of the cases: publish loads and their summaries.
import { median, type BenchContext } from './context.ts';
import { cpuMeter } from './cpu.ts';
import { runLoad, assertHealthy, type LoadResult } from './load.ts';
import { jsonMessage } from './payload.ts';
import { metricValue } from './prometheus.ts';
import { fmt } from './table.ts';

/** A load on one of our servers, with the CPU that server spent per answered request. */
export type MeteredLoad = LoadResult & { cpuUsPerReq: number };

/** Median throughput, the p99 of the run that gave it, and median CPU per request. */
export interface LoadSummary {
  rps: number;
  p99Ms: number;
  cpuUsPerReq: number;
}

/** Median throughput over several loads, with the p99 of the run that gave the median, and median CPU per request. */
export function summarize(results: MeteredLoad[]): LoadSummary {
  const rps = median(results.map((r) => r.okPerSec));
  const mid = results.find((r) => r.okPerSec === rps) ?? results[0];
  return { rps, p99Ms: mid?.p99Ms ?? Number.NaN, cpuUsPerReq: median(results.map((r) => r.cpuUsPerReq)) };
}

/** "4,210 req/s, p99 18 ms" */
export function fmtLoad(s: { rps: number; p99Ms: number }, unit = 'req/s'): string {
  return `${fmt(s.rps)} ${unit}, p99 ${fmt(s.p99Ms, 1)} ms`;
}

/** Loads `url` with single 1 KiB JSON messages; throws when answers were errors. */
export async function publishLoad(
  ctx: BenchContext,
  what: string,
  url: string,
  options: { durationS?: number; headers?: Record<string, string>; body?: string; connections?: number; pid?: number } = {},
): Promise<MeteredLoad> {
  const meter = options.pid === undefined ? undefined : cpuMeter(options.pid);
  const result = await runLoad({
    url,
    body: options.body ?? jsonMessage(),
    headers: options.headers,
    connections: options.connections ?? ctx.settings.connections,
    durationS: options.durationS ?? ctx.settings.durationS,
  });
  const cpuUsPerReq = meter?.stop(result.ok) ?? Number.NaN;
  assertHealthy(what, result);
  ctx.log(`${what}: ${fmt(result.okPerSec)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, CPU ${fmt(cpuUsPerReq)} µs/req`);
  return { ...result, cpuUsPerReq };
}

/**
 * " V8 heap 58 MB used of 174 MB, external 10 MB." from an app's /metrics (prom-client's process
 * metrics): a big heap total over a small used heap is V8 keeping space it grew under load, not
 * live objects. Empty when the app does not export them.
 */
export async function heapNote(serverUrl: string): Promise<string> {
  const text = await fetch(`${serverUrl}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
  const mb = (name: string): number => metricValue(text, name) / 2 ** 20;
  const used = mb('nodejs_heap_size_used_bytes');
  if (Number.isNaN(used)) return '';
  return ` V8 heap ${fmt(used)} MB used of ${fmt(mb('nodejs_heap_size_total_bytes'))} MB, external ${fmt(mb('nodejs_external_memory_bytes'))} MB.`;
}

/** " CPU per request: 412 µs vs 96 µs (4.29x)." for a note; empty when not measured. */
export function cpuNote(what: string, subject: number, baseline: number, unit = 'request'): string {
  if (!Number.isFinite(subject) || !Number.isFinite(baseline)) return '';
  return ` CPU per ${unit} (${what}): ${fmt(subject)} µs vs ${fmt(baseline)} µs (${(subject / baseline).toFixed(2)}x), from /proc.`;
}
