import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionState } from '@mq/mq';

const STATES: ConnectionState[] = ['connecting', 'ready', 'blocked', 'closed'];

/** The gateway's Prometheus metrics, in their own registry (so tests can build many apps). */
export interface GatewayMetrics {
  registry: Registry;
  /** Publish requests by topic (`unknown` for names not in the config) and HTTP status. */
  requests: Counter<'topic' | 'status'>;
  /** Time from publish to broker confirm (or failure), per message. */
  publishDuration: Histogram<'topic' | 'outcome'>;
  /** Messages published and not yet confirmed or failed. */
  inFlight: Gauge;
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
  return {
    registry,
    requests: new Counter({
      name: 'gateway_requests_total',
      help: 'Publish requests by topic and HTTP status.',
      labelNames: ['topic', 'status'],
      registers: [registry],
    }),
    publishDuration: new Histogram({
      name: 'gateway_publish_duration_seconds',
      help: 'Time from publish to broker confirm or failure, per message.',
      labelNames: ['topic', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'gateway_publish_in_flight',
      help: 'Messages published and awaiting a confirm.',
      registers: [registry],
    }),
  };
}
