// End-to-end latency bookkeeping shared by the receiving ends (sink app, bare consumer): every
// message carries `sentAtNs` from process.hrtime, the system-wide monotonic clock on Linux, so
// sender and receiver in different processes read the same clock.
const SENT_AT = /"sentAtNs":"(\d+)"/;
const MAX_SAMPLES = 1_000_000;

export interface LatencyStats {
  count: number;
  /** Milliseconds between the first and the last message received. */
  spanMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Messages that carried a timestamp (0 ones are fill messages without one). */
  timed: number;
}

function sentAtOf(body: unknown): string | undefined {
  if (Buffer.isBuffer(body)) return SENT_AT.exec(body.subarray(0, 64).toString('latin1'))?.[1];
  if (typeof body === 'string') return SENT_AT.exec(body.slice(0, 64))?.[1];
  const field = (body as { sentAtNs?: unknown } | null)?.sentAtNs;
  return typeof field === 'string' ? field : undefined;
}

export function createLatencyLog() {
  let count = 0;
  let firstNs = 0n;
  let lastNs = 0n;
  let samples: number[] = [];
  const percentile = (sorted: number[], p: number): number =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : Number.NaN;
  return {
    /**
     * Counts a received body and, when it carries a send time, its latency. rabbitmq-client hands
     * a JSON message over already parsed, so the body may be an object too.
     */
    record(body: unknown): void {
      const now = process.hrtime.bigint();
      if (count === 0) firstNs = now;
      lastNs = now;
      count++;
      const sent = sentAtOf(body);
      if (sent && sent !== '0' && samples.length < MAX_SAMPLES) samples.push(Number(now - BigInt(sent)) / 1e6);
    },
    stats(): LatencyStats {
      const sorted = samples.toSorted((a, b) => a - b);
      return {
        count,
        spanMs: Number(lastNs - firstNs) / 1e6,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        timed: sorted.length,
      };
    },
    reset(): void {
      count = 0;
      samples = [];
    },
  };
}
