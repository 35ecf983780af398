import { deadLetterQueueName, withTimeout, type ConnectionState, type OutcomeEvent, type QueueStats } from '@mq/mq';
import { cachedChildren, durationBuckets, metricLabels as L, metricNames as N, pendingCounts, PlainHistogram } from '@mq/telemetry';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';
import type { CircuitState } from './circuit-breaker.js';

export interface MetricsSources {
  subscriptions: Array<{ name: string; queue: string; deadLetter: boolean }>;
  /** In-flight deliveries and circuit state per subscription, read at scrape time. */
  status: () => Array<{ name: string; inFlight: number; circuit: CircuitState }>;
  queueStats: (queue: string) => Promise<QueueStats>;
  /** The delay level queues (shared by every topic), whose depth is what waits. */
  delayQueues?: string[];
  connectionState: () => ConnectionState;
}

export interface ConsumerMetrics {
  registry: Registry;
  /** Counts one finished delivery (an `@mq/mq` consumer `outcome` event). */
  recordOutcome(subscription: string, event: OutcomeEvent): void;
  /** Counts one ack or nack that could not be sent (an `@mq/mq` consumer `ack-failure` event). */
  recordAckFailure(subscription: string): void;
}

const CONNECTION_STATES: ConnectionState[] = ['connecting', 'ready', 'blocked', 'closed'];
/** A scrape must not hang on a broker that does not answer. */
const STATS_TIMEOUT_MS = 2000;
const statsTimedOut = () => new Error(`no queue stats within ${STATS_TIMEOUT_MS} ms`);

/** The consumer's Prometheus metrics, named by `@mq/telemetry`'s shared scheme. */
export function createMetrics(sources: MetricsSources): ConsumerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Counted in plain numbers per delivery, read into prom-client when scraped (see pendingCounts).
  const consumedCounts = pendingCounts<LabelValues<string>>();
  new Counter({
    name: N.consumedMessages,
    help: 'Messages delivered, by subscription and outcome (done, retried, parked, duplicate, dropped).',
    labelNames: [L.subscription, L.destination, L.outcome, L.errorType],
    registers: [registry],
    collect() {
      consumedCounts.flushInto(this);
    },
  });
  // Observed for every delivery: plain arithmetic per observation (see PlainHistogram).
  const duration = new PlainHistogram({
    name: N.processDuration,
    help: 'Time to deliver one message to its target, by subscription and outcome.',
    labelNames: [L.subscription, L.destination, L.outcome],
    buckets: durationBuckets,
    registers: [registry],
  });
  // Rare (a lost ack), so prom-client counts it directly.
  const ackFailures = new Counter({
    name: N.ackFailures,
    help: 'Acks or nacks of finished deliveries that could not be sent; the broker redelivers those messages and dedup stops the copies. Expected only when the connection drops.',
    labelNames: [L.subscription],
    registers: [registry],
  });
  // 0 first: an early delivery (there should be none) shows in le="0".
  const lateness = new Histogram({
    name: N.delayLateness,
    help: 'How long after its due time a delayed message was first handed to its target, by subscription.',
    labelNames: [L.subscription],
    buckets: [0, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  registerGauges(registry, sources);
  // One pair of label children per label set: prom-client would otherwise sort and hash a fresh
  // labels object for every observation.
  const childrenOf = cachedChildren((subscription, queue, outcome, errorType) => {
    const labels = { [L.subscription]: subscription, [L.destination]: queue, [L.outcome]: outcome };
    // No error_type label at all on success, as the semantic conventions say.
    return { consumed: consumedCounts.child(errorType ? { ...labels, [L.errorType]: errorType } : labels), duration: duration.child(labels) };
  });
  return {
    registry,
    recordOutcome(subscription, event) {
      const child = childrenOf(subscription, event.queue, event.outcome, errorTypeOf(event.error) ?? '');
      child.consumed.inc();
      child.duration.observe(event.durationMs / 1000);
      const due = event.message.notBefore;
      // The first attempt only: a retry's wait is the backoff's, not the delay's.
      if (due && event.message.attempt === 1 && event.outcome !== 'duplicate') {
        lateness.observe({ [L.subscription]: subscription }, (Date.now() - event.durationMs - due.getTime()) / 1000);
      }
    },
    recordAckFailure(subscription) {
      ackFailures.inc({ [L.subscription]: subscription });
    },
  };
}

function registerGauges(registry: Registry, sources: MetricsSources): void {
  new Gauge({
    name: N.inFlight,
    help: 'Deliveries running now, by subscription.',
    labelNames: [L.subscription, L.operation],
    registers: [registry],
    collect() {
      for (const s of sources.status()) this.set({ [L.subscription]: s.name, [L.operation]: 'process' }, s.inFlight);
    },
  });
  new Gauge({
    name: N.circuitOpen,
    help: '1 while the subscription\'s circuit is open or probing (consuming paused), else 0.',
    labelNames: [L.subscription],
    registers: [registry],
    collect() {
      for (const s of sources.status()) this.set({ [L.subscription]: s.name }, s.circuit === 'closed' ? 0 : 1);
    },
  });
  new Gauge({
    name: N.connectionState,
    help: '1 for the current broker connection state, 0 for the others.',
    labelNames: [L.state],
    registers: [registry],
    collect() {
      const current = sources.connectionState();
      for (const state of CONNECTION_STATES) this.set({ [L.state]: state }, state === current ? 1 : 0);
    },
  });
  delayedGauge(registry, sources);
  queueGauge(registry, sources, N.queueDepth, 'Messages ready in the subscription\'s work queue.', (s) => s.queue);
  queueGauge(registry, sources, N.deadLetterDepth, 'Messages parked in the subscription\'s dead-letter queue.', (s) =>
    s.deadLetter ? deadLetterQueueName(s.queue) : undefined,
  );
}

function queueGauge(
  registry: Registry,
  sources: MetricsSources,
  name: string,
  help: string,
  queueOf: (s: MetricsSources['subscriptions'][number]) => string | undefined,
): void {
  new Gauge({
    name,
    help,
    labelNames: [L.subscription, L.destination],
    registers: [registry],
    async collect() {
      this.reset(); // a queue that cannot be read now shows no sample rather than a stale one
      await Promise.all(
        sources.subscriptions.map(async (s) => {
          const queue = queueOf(s);
          if (queue === undefined) return;
          const stats = await withTimeout(sources.queueStats(queue), STATS_TIMEOUT_MS, statsTimedOut).catch(() => undefined);
          if (stats) this.set({ [L.subscription]: s.name, [L.destination]: queue }, stats.messageCount);
        }),
      );
    },
  });
}

/** Delayed messages waiting, per level queue: what the broker holds, read at scrape time. */
function delayedGauge(registry: Registry, sources: MetricsSources): void {
  new Gauge({
    name: N.delayedMessages,
    help: 'Delayed messages waiting in the broker, by delay level queue (all topics share the levels).',
    labelNames: [L.destination],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        (sources.delayQueues ?? []).map(async (queue) => {
          const stats = await withTimeout(sources.queueStats(queue), STATS_TIMEOUT_MS, statsTimedOut).catch(() => undefined);
          if (stats) this.set({ [L.destination]: queue }, stats.messageCount);
        }),
      );
    },
  });
}

/** A low-cardinality name for why a delivery failed: `DeliveryError.errorType`, else the error class. */
function errorTypeOf(error: Error | undefined): string | undefined {
  if (!error) return undefined;
  const cause = (error as { cause?: unknown }).cause;
  const typed = (error as { errorType?: unknown }).errorType ?? (cause as { errorType?: unknown } | undefined)?.errorType;
  return typeof typed === 'string' ? typed : error.name;
}
