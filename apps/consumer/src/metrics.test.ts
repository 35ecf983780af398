import type { QueueStats } from '@mq/mq';
import { describe, expect, it } from 'vitest';
import { testMessage } from './delivery/test-message.js';
import { DeliveryError } from './delivery/types.js';
import { createMetrics, type MetricsSources } from './metrics.js';

function setup(queueStats: MetricsSources['queueStats']) {
  return createMetrics({
    subscriptions: [
      { name: 'billing', queue: 'billing.orders', deadLetter: true },
      { name: 'audit', queue: 'audit', deadLetter: false },
    ],
    status: () => [{ name: 'billing', inFlight: 3, circuit: 'open' }],
    queueStats,
    connectionState: () => 'ready',
  });
}

describe('consumer metrics', () => {
  it('counts outcomes with the failure type and observes durations', async () => {
    const metrics = setup(() => Promise.resolve({ messageCount: 0, consumerCount: 1 }));
    const message = testMessage();
    metrics.recordOutcome('billing', { queue: 'billing.orders', outcome: 'done', message, durationMs: 20 });
    metrics.recordOutcome('billing', { queue: 'billing.orders', outcome: 'retried', message, durationMs: 5, error: new DeliveryError('503', 'HTTP 503') });
    const text = await metrics.registry.metrics();
    expect(text).toContain('messaging_client_consumed_messages_total{subscription="billing",messaging_destination_name="billing.orders",outcome="done"} 1');
    expect(text).toContain('outcome="retried",error_type="503"} 1');
    expect(text).toMatch(/messaging_process_duration_seconds_bucket\{le="0.025",subscription="billing",messaging_destination_name="billing.orders",outcome="done"\} 1/);
    expect(text).toContain('mq_in_flight_operations{subscription="billing",messaging_operation_name="process"} 3');
    expect(text).toContain('mq_circuit_open{subscription="billing"} 1');
    expect(text).toContain('mq_connection_state{state="ready"} 1');
  });

  it('counts lost acks per subscription', async () => {
    const metrics = setup(() => Promise.resolve({ messageCount: 0, consumerCount: 1 }));
    metrics.recordAckFailure('billing');
    metrics.recordAckFailure('billing');
    expect(await metrics.registry.metrics()).toContain('mq_ack_failures_total{subscription="billing"} 2');
  });

  it('adds repeated outcomes to one series per label set, whatever the order', async () => {
    const metrics = setup(() => Promise.resolve({ messageCount: 0, consumerCount: 1 }));
    const message = testMessage();
    const record = (subscription: string, outcome: 'done' | 'retried', error?: Error) =>
      metrics.recordOutcome(subscription, { queue: 'billing.orders', outcome, message, durationMs: 5, ...(error ? { error } : {}) });
    record('billing', 'retried', new DeliveryError('503', 'HTTP 503'));
    record('billing', 'done');
    record('billing', 'retried', new DeliveryError('timeout', 'timeout'));
    record('billing', 'retried', new DeliveryError('503', 'HTTP 503'));
    record('audit', 'done');
    record('billing', 'done');
    const text = await metrics.registry.metrics();
    const consumed = (labels: string) => `messaging_client_consumed_messages_total{${labels}}`;
    expect(text).toContain(`${consumed('subscription="billing",messaging_destination_name="billing.orders",outcome="retried",error_type="503"')} 2`);
    expect(text).toContain(`${consumed('subscription="billing",messaging_destination_name="billing.orders",outcome="retried",error_type="timeout"')} 1`);
    expect(text).toContain(`${consumed('subscription="billing",messaging_destination_name="billing.orders",outcome="done"')} 2`);
    expect(text).toContain(`${consumed('subscription="audit",messaging_destination_name="billing.orders",outcome="done"')} 1`);
    expect(text).toContain('messaging_process_duration_seconds_count{subscription="billing",messaging_destination_name="billing.orders",outcome="retried"} 3');
  });

  it('reads queue and dead-letter depths at scrape time, and leaves out a queue it cannot read', async () => {
    const depths: Record<string, number> = { 'billing.orders': 7, 'billing.orders.dlq': 2 };
    const metrics = setup((queue) =>
      queue in depths ? Promise.resolve<QueueStats>({ messageCount: depths[queue]!, consumerCount: 1 }) : Promise.reject(new Error('404')),
    );
    const text = await metrics.registry.metrics();
    expect(text).toContain('mq_queue_messages{subscription="billing",messaging_destination_name="billing.orders"} 7');
    expect(text).toContain('mq_dead_letter_messages{subscription="billing",messaging_destination_name="billing.orders.dlq"} 2');
    expect(text).not.toContain('mq_queue_messages{subscription="audit"');
    expect(text).not.toContain('audit.dlq');
  });

  it('reads the delay level depths and observes the lateness of first deliveries of delayed messages', async () => {
    const depths: Record<string, number> = { 'mq.delay.00': 1, 'mq.delay.01': 4 };
    const metrics = createMetrics({
      subscriptions: [],
      status: () => [],
      queueStats: (queue) => Promise.resolve({ messageCount: depths[queue] ?? 0, consumerCount: 0 }),
      connectionState: () => 'ready',
      delayQueues: ['mq.delay.00', 'mq.delay.01'],
    });
    const due = (lateMs: number) => new Date(Date.now() - lateMs);
    metrics.recordOutcome('billing', { queue: 'q', outcome: 'done', message: testMessage({ notBefore: due(300) }), durationMs: 0 });
    metrics.recordOutcome('billing', { queue: 'q', outcome: 'done', message: testMessage({ notBefore: due(3000), attempt: 2 }), durationMs: 0 });
    metrics.recordOutcome('billing', { queue: 'q', outcome: 'done', message: testMessage(), durationMs: 0 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('mq_delayed_messages{messaging_destination_name="mq.delay.01"} 4');
    expect(text).toContain('mq_delay_lateness_seconds_count{subscription="billing"} 1');
    expect(text).toContain('mq_delay_lateness_seconds_bucket{le="0.25",subscription="billing"} 0');
    expect(text).toContain('mq_delay_lateness_seconds_bucket{le="0.5",subscription="billing"} 1');
  });
});
