// A consumer subscription on fresh names, and the bare-vs-ours drain every consumer row runs.
import { consumerQueues, startBareConsumer, startConsumer, type ConsumerAppOptions, type Server } from './apps.ts';
import { benchName, deleteObjects } from './broker.ts';
import type { BenchContext } from './context.ts';
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

/** Drains the backlog once with the bare consumer, once with `subject`. */
export async function drainBoth(
  ctx: BenchContext,
  setup: ConsumerSetup,
  subject: () => Promise<Server>,
  { backlog = ctx.settings.backlog, beforeStop }: { backlog?: number; beforeStop?: (server: Server) => Promise<void> } = {},
): Promise<{ bare: DrainResult; ours: DrainResult }> {
  const { prefetch } = ctx.settings;
  await setup.fill(backlog);
  const bare = await drainWith(ctx, 'bare consumer', setup.options.queue, backlog, () => startBareConsumer(ctx, setup.options.queue, prefetch, prefetch));
  await setup.fill(backlog);
  const ours = await drainWith(ctx, 'consumer', setup.options.queue, backlog, subject, beforeStop);
  return { bare, ours };
}
