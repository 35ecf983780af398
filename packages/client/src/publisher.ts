import type { MessageData } from './body.js';
import { createGatewayClient, type Accepted } from './gateway-client.js';
import { normalizeOptions, type PublisherOptions } from './options.js';
import { publishBatch, type BatchAccepted, type BatchMessage, type PublishBatchOptions } from './publish-batch.js';
import { publishOne, type PublishContext, type PublishOptions } from './publish-one.js';
import { systemClock, type Clock } from './retry-loop.js';
import { activeTraceHeaders, loadOtel } from './trace-context.js';

/** Publishes to one gateway. Safe to share: it holds no per-message state. */
export interface Publisher {
  /**
   * Publishes one message; resolves with the gateway's 202 (`{id, topic}`) once the broker
   * confirmed it, rejects with a {@link PublishError} otherwise.
   */
  publish(topic: string, data: MessageData, opts?: PublishOptions): Promise<Accepted>;
  /**
   * Publishes a batch (JSON data, at most the gateway's `batchMaxMessages`); resolves when every
   * entry was accepted, rejects with a {@link PublishBatchError} listing each entry's outcome.
   */
  publishBatch(topic: string, messages: BatchMessage[], opts?: PublishBatchOptions): Promise<BatchAccepted>;
}

/**
 * Creates a publisher for the gateway at `options.url`. Each logical message gets one id
 * (yours, or a random UUID) that every retry reuses, so the consumer processes it once.
 */
export function createPublisher(options: PublisherOptions & { /** @internal tests only */ clock?: Clock }): Publisher {
  const normalized = normalizeOptions(options);
  const otel = loadOtel();
  const ctx: PublishContext = {
    options: normalized,
    client: createGatewayClient(normalized),
    clock: options.clock ?? systemClock,
    traceHeaders: async () => activeTraceHeaders(await otel),
  };
  return {
    publish: (topic, data, opts) => publishOne(ctx, topic, data, opts),
    publishBatch: (topic, messages, opts) => publishBatch(ctx, topic, messages, opts),
  };
}
