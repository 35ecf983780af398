import type { ConnectionState } from '@mq/mq';
import { cachedChildren, durationBuckets, metricLabels as L, metricNames as N, pendingCounts, PlainHistogram } from '@mq/telemetry';
import { Counter, Gauge, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';

const STATES: ConnectionState[] = ['connecting', 'ready', 'blocked', 'closed'];

/** The gateway's Prometheus metrics, in their own registry (so tests can build many apps). */
export interface GatewayMetrics {
  registry: Registry;
  /** Counts a publish request by topic (`unknown` for names not in the config) and HTTP status. */
  countRequest(topic: string, status: number): void;
  /**
   * Records one message's publish: the time from publish to broker confirm (or failure) and the
   * sent-messages counter. `errorType` is undefined on success, else a low-cardinality failure
   * class (the `MqError` code).
   */
  observePublish(topic: string, exchange: string, errorType: string | undefined, seconds: number): void;
  /** Messages published and not yet confirmed or failed. */
  inFlight: { inc(): void; dec(): void };
  /** A rate-limit decision made in this process because the shared store (Redis) failed. */
  countRateLimitFallback(): void;
}

/** The destination label of a publish: the exchange, `amq.default` for the default one (as in the spans). */
const destinationOf = (exchange: string) => (exchange === '' ? 'amq.default' : exchange);

/**
 * Creates the metrics, named by `@mq/telemetry`'s scheme shared with the consumer. `brokerState`
 * is read at scrape time, so the gauge is never stale. `defaultMetrics` adds process and
 * event-loop metrics (off in unit tests to stay fast).
 */
export function createMetrics(brokerState: () => ConnectionState, defaultMetrics = true): GatewayMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  registerConnectionState(registry, brokerState);
  // Counters, the in-flight gauge and the latency histogram are plain numbers on the publish path,
  // read by prom-client when scraped (see pendingCounts and PlainHistogram).
  const requestCounts = pendingCounts<LabelValues<string>>();
  const sentCounts = pendingCounts<LabelValues<string>>();
  let inFlight = 0;
  new Counter({
    name: N.publishRequests,
    help: 'Publish requests (single and batch) by topic and HTTP status.',
    labelNames: [L.topic, L.httpStatus],
    registers: [registry],
    collect() {
      requestCounts.flushInto(this);
    },
  });
  new Counter({
    name: N.sentMessages,
    help: 'Messages published, by topic and exchange; error_type set when the broker did not confirm.',
    labelNames: [L.topic, L.destination, L.errorType],
    registers: [registry],
    collect() {
      sentCounts.flushInto(this);
    },
  });
  const duration = new PlainHistogram({
    name: N.operationDuration,
    help: 'Time from publish to broker confirm or failure, per message.',
    labelNames: [L.topic, L.destination, L.operation, L.errorType],
    buckets: durationBuckets,
    registers: [registry],
  });
  new Gauge({
    name: N.inFlight,
    help: 'Messages published and awaiting a confirm.',
    labelNames: [L.operation],
    registers: [registry],
    collect() {
      this.set({ [L.operation]: 'publish' }, inFlight);
    },
  });
  const fallbacks = new Counter({
    name: N.rateLimitFallbacks,
    help: 'Rate-limit decisions made per process because the shared store (Redis) failed.',
    registers: [registry],
  });
  const requestCounter = cachedChildren((topic, status) => requestCounts.child({ [L.topic]: topic, [L.httpStatus]: status }));
  const publishChildren = cachedChildren((topic, exchange, errorType) => {
    const labels = { [L.topic]: topic, [L.destination]: destinationOf(exchange) };
    // No error_type label at all on success, as the semantic conventions (and the consumer) do.
    const withError = errorType ? { ...labels, [L.errorType]: errorType } : labels;
    return { sent: sentCounts.child(withError), duration: duration.child({ ...withError, [L.operation]: 'publish' }) };
  });
  return {
    registry,
    countRequest: (topic, status) => requestCounter(topic, String(status)).inc(),
    observePublish(topic, exchange, errorType, seconds) {
      const children = publishChildren(topic, exchange, errorType ?? '');
      children.sent.inc();
      children.duration.observe(seconds);
    },
    inFlight: {
      inc: () => void (inFlight += 1),
      dec: () => void (inFlight -= 1),
    },
    countRateLimitFallback: () => fallbacks.inc(),
  };
}

/** 1 for the current broker connection state, 0 for the others; read at scrape time. */
function registerConnectionState(registry: Registry, brokerState: () => ConnectionState): void {
  new Gauge({
    name: N.connectionState,
    help: 'Broker connection state: 1 for the current state, 0 for the others.',
    labelNames: [L.state],
    registers: [registry],
    collect() {
      const current = brokerState();
      for (const state of STATES) this.set({ [L.state]: state }, state === current ? 1 : 0);
    },
  });
}
