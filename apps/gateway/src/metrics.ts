import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionState } from '@mq/mq';

const STATES: ConnectionState[] = ['connecting', 'ready', 'blocked', 'closed'];

/** The gateway's Prometheus metrics, in their own registry (so tests can build many apps). */
export interface GatewayMetrics {
  registry: Registry;
  /** Counts a publish request by topic (`unknown` for names not in the config) and HTTP status. */
  countRequest(topic: string, status: number): void;
  /** Records the time from publish to broker confirm (or failure) of one message. */
  observePublish(topic: string, outcome: string, seconds: number): void;
  /** Messages published and not yet confirmed or failed. */
  inFlight: Gauge;
}

/**
 * Label children cached by their values: prom-client hashes the label object on every call,
 * which shows in a profile of the publish path. The label sets here are few and bounded.
 */
function cachedChildren<T>(make: (a: string, b: string) => T): (a: string, b: string) => T {
  const cache = new Map<string, T>();
  return (a, b) => {
    const key = `${a}\n${b}`;
    let child = cache.get(key);
    if (!child) cache.set(key, (child = make(a, b)));
    return child;
  };
}

/**
 * Creates the metrics. `brokerState` is read at scrape time, so the gauge is never stale.
 * `defaultMetrics` adds process and event-loop metrics (off in unit tests to stay fast).
 */
export function createMetrics(brokerState: () => ConnectionState, defaultMetrics = true): GatewayMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'gateway_broker_state',
    help: 'Broker connection state: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const current = brokerState();
      for (const state of STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  const requests = new Counter({
    name: 'gateway_requests_total',
    help: 'Publish requests by topic and HTTP status.',
    labelNames: ['topic', 'status'] as const,
    registers: [registry],
  });
  const publishDuration = new Histogram({
    name: 'gateway_publish_duration_seconds',
    help: 'Time from publish to broker confirm or failure, per message.',
    labelNames: ['topic', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requestCounter = cachedChildren((topic, status) => requests.labels(topic, status));
  const publishHistogram = cachedChildren((topic, outcome) => publishDuration.labels(topic, outcome));
  return {
    registry,
    countRequest: (topic, status) => requestCounter(topic, String(status)).inc(),
    observePublish: (topic, outcome, seconds) => publishHistogram(topic, outcome).observe(seconds),
    inFlight: new Gauge({
      name: 'gateway_publish_in_flight',
      help: 'Messages published and awaiting a confirm.',
      registers: [registry],
    }),
  };
}
