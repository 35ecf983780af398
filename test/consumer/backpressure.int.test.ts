// A slow app must never make the consumer hold the backlog: the broker keeps it, the consumer
// holds at most `prefetch` unacknowledged messages however deep the queue is.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startApp } from '../helpers/processes.ts';
import { consumerConfig, control, metricValue, receivedBy, useConsumerTest } from './support.ts';

const { conn, names } = useConsumerTest();

describe('backpressure', () => {
  it('holds at most prefetch messages while a slow app works through a deep queue', async () => {
    const total = 300;
    const prefetch = 5;
    const path = `/slow/${randomUUID()}`;
    const sample = await startApp('sample-app');
    await control(sample, { path, delayMs: 300 });
    const consumer = await startApp('consumer', {
      config: consumerConfig(names, { url: `${sample.url}${path}`, prefetch, concurrency: 3 }),
    });
    const publisher = conn.createPublisher({ confirm: true });
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        publisher.send({ exchange: names.exchange, routingKey: 'order.created', messageId: `m${i}` }, Buffer.from(String(i))),
      ),
    );
    await publisher.close();

    // Sample a few times while the backlog drains slowly: ready + delivered + held = published,
    // and what the consumer holds (unacked) never exceeds prefetch.
    for (let sample_ = 0; sample_ < 5; sample_++) {
      const before = (await receivedBy(sample, path)).length;
      const { messageCount } = await conn.queueDeclare({ queue: names.queue, passive: true });
      const after = (await receivedBy(sample, path)).length;
      const held = total - messageCount - after;
      expect(held).toBeLessThanOrEqual(prefetch + (after - before));
      expect(messageCount).toBeGreaterThan(total / 2);
      const inFlight = await metricValue(consumer, 'mq_in_flight_operations', { subscription: names.subscription });
      expect(inFlight).toBeLessThanOrEqual(3);
      await expect.poll(async () => (await receivedBy(sample, path)).length, { timeout: 10_000 }).toBeGreaterThan(after);
    }
    expect(await metricValue(consumer, 'mq_queue_messages', { subscription: names.subscription })).toBeGreaterThan(total / 2);
  });
});
