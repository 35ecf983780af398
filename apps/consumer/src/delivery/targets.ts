import type { IncomingMessage } from '@mq/mq';
import type { Dispatcher } from 'undici';
import type { SubscriptionSettings } from '../config.js';
import { createHttpDelivery, createHttpProbe } from './http.js';
import { loadModuleDelivery } from './module.js';
import { createSigner } from './signing.js';
import type { Deliver, Probe } from './types.js';

export interface Target {
  deliver: Deliver;
  probe: Probe;
}

export interface TargetDeps {
  dispatcher: Dispatcher;
  topicByExchange: Map<string, string>;
}

/** `ce-source`: the gateway topic when the exchange belongs to one, else the exchange or queue. */
export function sourceOf(message: IncomingMessage, topicByExchange: Map<string, string>): string {
  const topic = topicByExchange.get(message.exchange);
  if (topic !== undefined) return `/topics/${topic}`;
  if (message.exchange) return `/exchanges/${message.exchange}`;
  return `/queues/${message.queue}`;
}

/** The delivery and probe of one subscription; loads a handler module (throws a one-line error). */
export async function createTarget(sub: SubscriptionSettings, deps: TargetDeps): Promise<Target> {
  const { target } = sub;
  if (target.kind === 'module') {
    const deliver = await loadModuleDelivery({ path: target.path, subscription: sub.name, timeoutMs: target.timeoutMs });
    // An in-process handler cannot be asked how it is; after the wait, deliveries are the probe.
    return { deliver, probe: () => Promise.resolve(true) };
  }
  return {
    deliver: createHttpDelivery({
      url: target.url,
      timeoutMs: target.timeoutMs,
      dispatcher: deps.dispatcher,
      source: (message) => sourceOf(message, deps.topicByExchange),
      maxRetryAfterMs: sub.config.retry.maxDelayMs,
      ...(target.signingKeys ? { sign: createSigner(target.signingKeys) } : {}),
    }),
    probe: createHttpProbe(target.url, Math.min(target.timeoutMs, 5000), deps.dispatcher),
  };
}
