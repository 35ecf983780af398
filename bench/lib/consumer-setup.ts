// A consumer subscription on fresh names, and the bare-vs-ours drain every consumer row runs.
import { consumerQueues, startBareConsumer, startConsumer, type ConsumerAppOptions, type Server } from './apps.ts';
import { benchName, deleteObjects } from './broker.ts';
import { alternate, type BenchContext } from './context.ts';
import { drainWith, fillBacklog, type DrainResult } from './drain.ts';

/**
 * A consumer subscription on fresh names; `prepare()` lets the consumer declare its own queues,
 * which the case's cleanup deletes.
 */
export function consumerSetup(ctx: BenchContext, deliver: ConsumerAppOptions['deliver'], otlpUrl?: string) {
  const options: ConsumerAppOptions = {
    topic: 'bench',
    exchange: benchName('x'),
    routingKey: 'bench.msg',
    queue: benchName('q'),
    deliver,
    prefetch: ctx.settings.prefetch,
    concurrency: ctx.settings.prefetch,
    otlpUrl,
  };
  ctx.cleanup.add(() => deleteObjects(ctx.conn, { queues: consumerQueues(options.queue), exchanges: [options.exchange] }));
  return {
    options,
    start: (overrides: Partial<ConsumerAppOptions> = {}): Promise<Server> => startConsumer(ctx, { ...options, ...overrides }),
    /** Boots the consumer once so the queue exists with the consumer's own arguments, then stops it. */
    prepare: async (): Promise<void> => {
      const server = await startConsumer(ctx, options);
      await server.proc.stop();
    },
    fill: (count: number) => fillBacklog(ctx, options, count),
  };
}

export type ConsumerSetup = ReturnType<typeof consumerSetup>;

/**
 * Drains a fresh backlog with the bare consumer (and `also`, right after it) and with `subject`,
 * alternately `rounds` times (order swapped every round), so drift on a shared machine hits both
 * sides alike.
 */
export async function drainBoth(
  ctx: BenchContext,
  setup: ConsumerSetup,
  subject: () => Promise<Server>,
  {
    backlog = ctx.settings.backlog,
    beforeStop,
    rounds = 1,
    bare,
    also,
  }: {
    backlog?: number;
    beforeStop?: (server: Server) => Promise<void>;
    rounds?: number;
    /** Another baseline than the bare no-op consumer, e.g. the bare HTTP one; it drains `setup`'s queue. */
    bare?: { what: string; start: () => Promise<Server> };
    /** A second baseline, drained right after the first in every round (reported, e.g. another client library). */
    also?: { what: string; start: () => Promise<Server> };
  } = {},
): Promise<{ bare: DrainResult[]; ours: DrainResult[]; also: DrainResult[] }> {
  const { prefetch } = ctx.settings;
  const { queue } = setup.options;
  const drain = (what: string, start: () => Promise<Server>, stop?: (server: Server) => Promise<void>) => async () => {
    await setup.fill(backlog);
    return drainWith(ctx, what, queue, backlog, start, stop);
  };
  const baseline = bare ?? { what: 'bare consumer', start: () => startBareConsumer(ctx, queue, prefetch, prefetch) };
  const drainBare = drain(baseline.what, baseline.start);
  const drainAlso = also && drain(also.what, also.start);
  const baselines = async () => ({ bare: await drainBare(), also: await drainAlso?.() });
  const runs = await alternate(rounds, baselines, drain('consumer', subject, beforeStop));
  return {
    bare: runs.baseline.map((r) => r.bare),
    ours: runs.subject,
    also: runs.baseline.flatMap((r) => (r.also ? [r.also] : [])),
  };
}

/** "0.95x, 0.85x, 0.79x": ours / bare per round, so a stray round shows in a note. */
export function perRoundRatios(runs: { bare: DrainResult[]; ours: DrainResult[] }): string {
  return runs.ours.map((r, i) => `${(r.drain.msgsPerSec / runs.bare[i]!.drain.msgsPerSec).toFixed(2)}x`).join(', ');
}
