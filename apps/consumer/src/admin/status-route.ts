import { deadLetterQueueName, withTimeout, type ConnectionState, type QueueStats } from '@mq/mq';
import { Hono } from 'hono';
import type { SubscriptionStatus } from '../worker.js';
import type { DeliveryRate } from './delivery-rate.js';
import type { AdminSubscription } from './routes.js';

export interface StatusDeps {
  subscriptions: AdminSubscription[];
  connectionState: () => ConnectionState;
  status: () => SubscriptionStatus[];
  queueStats: (queue: string) => Promise<QueueStats>;
  rate: DeliveryRate;
}

/** A queue that cannot be read in this time shows `null` rather than holding up the page. */
const STATS_TIMEOUT_MS = 2000;

/** `GET /v1/status`: what the console's subscriptions page shows, read live from the broker and the worker. */
export function createStatusRoute(deps: StatusDeps): Hono {
  const app = new Hono();
  const statsOf = (queue: string): Promise<QueueStats | null> =>
    withTimeout(deps.queueStats(queue), STATS_TIMEOUT_MS, () => new Error('timeout')).catch(() => null);
  const messagesIn = async (queue: string) => (await statsOf(queue))?.messageCount ?? null;

  app.get('/', async (c) => {
    const running = new Map(deps.status().map((s) => [s.name, s]));
    const subscriptions = await Promise.all(
      deps.subscriptions.map(async (sub) => {
        const worker = running.get(sub.name);
        const work = await statsOf(sub.queue);
        const retrying = await Promise.all((sub.retryQueues ?? []).map(async (r) => ({ delayMs: r.delayMs, messages: await messagesIn(r.queue) })));
        return {
          name: sub.name,
          queue: sub.queue,
          ready: work?.messageCount ?? null,
          consumers: work?.consumerCount ?? null,
          parked: sub.deadLetter ? await messagesIn(deadLetterQueueName(sub.queue)) : null,
          retrying,
          inFlight: worker?.inFlight ?? 0,
          paused: worker?.paused ?? true,
          circuit: worker?.circuit ?? 'closed',
          deliveriesPerSecond: deps.rate.perSecond(sub.name),
        };
      }),
    );
    return c.json({ connection: deps.connectionState(), subscriptions });
  });
  return app;
}
