import type { MqConfig } from './schema.js';

/**
 * The broker objects a config implies, shaped as `@mq/mq`'s `Topology` (structurally; this
 * package does not depend on the client). `withQueues: false` is the gateway's view: it
 * declares only the exchanges it publishes to.
 */
export function buildTopology(config: MqConfig, { withQueues }: { withQueues: boolean }) {
  const exchanges = [...new Set(Object.values(config.topics).map((t) => t.exchange))];
  const queues = withQueues
    ? Object.values(config.subscriptions).map((sub) => ({
        name: sub.queue,
        bindings: sub.bind.map((b) => {
          const topic = config.topics[b.topic]!; // the schema guarantees the topic exists
          return { exchange: topic.exchange, routingKey: b.routingKey ?? topic.routingKey };
        }),
        retry: sub.retry,
        deadLetter: sub.deadLetter,
      }))
    : [];
  // One set of delay levels for all topics: enough for the longest maxDelay.
  const maxDelayMs = Math.max(0, ...Object.values(config.topics).map((t) => t.maxDelay));
  return { exchanges, queues, maxDelayMs };
}
