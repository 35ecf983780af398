// What every case gets: the run's settings, a broker connection, a temp dir, and lazily started
// shared helpers (an OTLP sink, a private RabbitMQ node) that the runner tears down at the end.
import type { Connection } from 'rabbitmq-client';
import { startRabbitNode, type RabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { startOtlpSink, type Server, type Where } from './apps.ts';
import { createCleanup, type Cleanup } from './cleanup.ts';
import type { Row } from './table.ts';

export interface Settings {
  /** Seconds of load per measurement. */
  durationS: number;
  /** Concurrent HTTP connections for throughput runs. */
  connections: number;
  /** Alternating baseline/subject rounds; the median of each side is reported. */
  rounds: number;
  /** Messages in the backlog the consumer throughput rows drain. */
  backlog: number;
  /** Messages in the backlog the consumer RSS row drains (200,000 in the issue). */
  rssBacklog: number;
  /** Seconds of flood against the blocked gateway; well over the 5 s confirm timeout, so the
   * first publishes caught by the alarm have answered before it ends. */
  floodS: number;
  /** Cold starts measured (median reported). */
  coldStarts: number;
  /** Prefetch (and handler concurrency) of the consumer rows. */
  prefetch: number;
  /** Messages published with random delays (and without, as the baseline) in the delayed-publish row (100,000 in the issue). */
  delayedMessages: number;
  /**
   * Longest random delay in the delayed-publish rows (60 s in the issue). The row waits for the
   * last one to fall due, so `--quick` takes 10 s: 50 s of waiting less, the same levels for the
   * bits below it.
   */
  maxDelayS: number;
}

export const QUICK: Settings = { durationS: 3, connections: 32, rounds: 1, backlog: 10_000, rssBacklog: 10_000, floodS: 10, coldStarts: 3, prefetch: 64, delayedMessages: 10_000, maxDelayS: 10 };
export const FULL: Settings = { durationS: 15, connections: 64, rounds: 3, backlog: 50_000, rssBacklog: 200_000, floodS: 30, coldStarts: 7, prefetch: 64, delayedMessages: 100_000, maxDelayS: 60 };

export interface BenchContext extends Where {
  quick: boolean;
  settings: Settings;
  /** Admin connection to the shared broker (the one at `amqpUrl`). */
  conn: Connection;
  /** Numbers one case leaves for a later one (e.g. max rates for the latency row). */
  memo: Map<string, number>;
  otlpSink(): Promise<Server>;
  /** A private node with management; started once per run, never the shared broker. */
  privateNode(): Promise<RabbitNode>;
  log(message: string): void;
  /** Undo steps of the case now running; the runner runs them when the case ends, failed or not. */
  cleanup: Cleanup;
}

/** One row (or a few related rows) of the table. */
export interface BenchCase {
  id: string;
  /** Row names with goals, for the error rows shown when the case fails or cannot run. */
  rows: Array<{ name: string; goal: string }>;
  needs: Array<'gateway' | 'consumer' | 'private-node'>;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** Builds the context; `dispose()` stops the shared helpers it started. */
export function createContext(base: Omit<BenchContext, 'otlpSink' | 'privateNode' | 'memo' | 'cleanup'>) {
  let sink: Promise<Server> | undefined;
  let node: Promise<RabbitNode> | undefined;
  const ctx: BenchContext = {
    ...base,
    memo: new Map(),
    cleanup: createCleanup(),
    otlpSink: () => (sink ??= startOtlpSink(base)),
    privateNode: () => (node ??= startRabbitNode({ management: true, prefix: 'bench' })),
  };
  const disposeNode = async (): Promise<void> => {
    const started = node;
    node = undefined;
    if (started) await (await started.catch(() => undefined))?.dispose();
  };
  const dispose = async (): Promise<void> => {
    await disposeNode();
    if (sink) await (await sink.catch(() => undefined))?.proc.stop();
  };
  return { ctx, disposeNode, dispose };
}

/** The median of some numbers (the middle one of an odd count). */
export function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** The value at fraction `p` (0.99 for p99) of values already sorted ascending; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Runs baseline and subject alternately `rounds` times, so drift on a shared machine hits both. */
export async function alternate<B, S = B>(rounds: number, baseline: () => Promise<B>, subject: () => Promise<S>): Promise<{ baseline: B[]; subject: S[] }> {
  const result = { baseline: [] as B[], subject: [] as S[] };
  for (let i = 0; i < rounds; i++) {
    // Swap the order every round so neither side always runs on a warmer broker.
    if (i % 2 === 0) {
      result.baseline.push(await baseline());
      result.subject.push(await subject());
    } else {
      result.subject.push(await subject());
      result.baseline.push(await baseline());
    }
  }
  return result;
}
