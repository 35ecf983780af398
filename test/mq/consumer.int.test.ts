import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { MemoryDedupStore, RetryLaterError, UnrecoverableError, type IncomingMessage, type OutcomeEvent } from '@mq/mq';
import { drain, useBroker } from './helpers/broker.ts';
import { countSocketWrites } from './helpers/socket-writes.ts';

const { raw, client, declared } = useBroker();
const publisher = client.createPublisher({ appId: 'int-test' });

describe('consumer', () => {
  it('hands over body, properties and the original routing, then acks (done)', async () => {
    const { exchange, queue } = await declared();
    const seen: IncomingMessage[] = [];
    const outcomes: OutcomeEvent[] = [];
    const consumer = client.createConsumer({ queue }, (m) => {
      seen.push(m);
      return Promise.resolve();
    });
    consumer.on('outcome', (e) => outcomes.push(e));
    const { messageId } = await publisher.publish({ exchange, routingKey: 'a.b', body: '{"n": 1.0}', contentType: 'application/json', headers: { tenant: 't1' } });
    await vi.waitFor(() => expect(outcomes).toHaveLength(1), { timeout: 10_000 });
    expect(seen[0]).toMatchObject({ messageId, contentType: 'application/json', exchange, routingKey: 'a.b', attempt: 1, queue, headers: { tenant: 't1' } });
    expect(seen[0]!.body.toString()).toBe('{"n": 1.0}'); // the exact bytes, not re-serialized JSON
    expect(outcomes[0]!.outcome).toBe('done');
    await consumer.close();
    expect((await client.queueStats(queue)).messageCount).toBe(0);
  });

  it('retries a thrown error through the broker-side delay queue, counting attempts in its own header', async () => {
    const { exchange, queue } = await declared();
    const attempts: IncomingMessage[] = [];
    const consumer = client.createConsumer({ queue }, (m) => {
      attempts.push(m);
      return m.attempt < 3 ? Promise.reject(new Error(`boom ${m.attempt}`)) : Promise.resolve();
    });
    const outcomes: string[] = [];
    consumer.on('outcome', (e) => outcomes.push(e.outcome));
    await publisher.publish({ exchange, routingKey: 'r.k', body: 'x' });
    await vi.waitFor(() => expect(outcomes).toEqual(['retried', 'retried', 'done']), { timeout: 15_000 });
    expect(attempts.map((m) => [m.attempt, m.exchange, m.routingKey])).toEqual([[1, exchange, 'r.k'], [2, exchange, 'r.k'], [3, exchange, 'r.k']]);
    expect(Object.keys(attempts[2]!.headers).filter((k) => k.startsWith('x-'))).toEqual([]); // bookkeeping hidden
    await consumer.close();
  });

  it('parks after maxAttempts with attempts, last error, original routing and failure times', async () => {
    const { exchange, queue } = await declared();
    const consumer = client.createConsumer({ queue }, () => Promise.reject(new Error('always fails')));
    const outcomes: string[] = [];
    consumer.on('outcome', (e) => outcomes.push(e.outcome));
    const { messageId } = await publisher.publish({ exchange, routingKey: 'p.k', body: 'poison' });
    await vi.waitFor(() => expect(outcomes).toEqual(['retried', 'retried', 'parked']), { timeout: 15_000 });
    await consumer.close();
    const [parked] = await client.deadLetters().list(queue);
    expect(parked).toMatchObject({ id: messageId, attempts: 3, lastError: 'Error: always fails', originalExchange: exchange, originalRoutingKey: 'p.k' });
    expect(parked!.body.toString()).toBe('poison');
    expect(parked!.lastFailureAt.getTime()).toBeGreaterThan(parked!.firstFailureAt.getTime());
  });

  it('parks an UnrecoverableError at once, and RetryLaterError waits at least its delay', async () => {
    const { exchange, queue } = await declared();
    const times: number[] = [];
    const consumer = client.createConsumer({ queue }, (m) => {
      if (m.routingKey === 'bad') return Promise.reject(new UnrecoverableError('invalid order'));
      times.push(Date.now());
      return m.attempt === 1 ? Promise.reject(new RetryLaterError('busy', 700)) : Promise.resolve();
    });
    const outcomes: string[] = [];
    consumer.on('outcome', (e) => outcomes.push(`${e.message.routingKey}:${e.outcome}`));
    await publisher.publish({ exchange, routingKey: 'bad', body: 'x' });
    await publisher.publish({ exchange, routingKey: 'later', body: 'y' });
    await vi.waitFor(() => expect(outcomes.sort()).toEqual(['bad:parked', 'later:done', 'later:retried']), { timeout: 15_000 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(700);
    await consumer.close();
    const parked = await client.deadLetters().list(queue);
    expect(parked.map((p) => [p.attempts, p.lastError])).toEqual([[1, 'UnrecoverableError: invalid order']]);
  });

  it('acks a duplicate message id without calling the handler', async () => {
    const { exchange, queue } = await declared();
    const handler = vi.fn(async () => {});
    const consumer = client.createConsumer({ queue, dedup: { store: new MemoryDedupStore(), windowMs: 60_000 } }, handler);
    const outcomes: string[] = [];
    consumer.on('outcome', (e) => outcomes.push(e.outcome));
    await publisher.publish({ exchange, routingKey: 'x', body: 'a', messageId: 'same-id' });
    await vi.waitFor(() => expect(outcomes).toEqual(['done']), { timeout: 10_000 });
    await publisher.publish({ exchange, routingKey: 'x', body: 'a', messageId: 'same-id' });
    await vi.waitFor(() => expect(outcomes).toEqual(['done', 'duplicate']), { timeout: 10_000 });
    expect(handler).toHaveBeenCalledTimes(1);
    await consumer.close();
  });

  it('respects concurrency, pauses and resumes', async () => {
    const { exchange, queue } = await declared();
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    for (let n = 0; n < 6; n++) await publisher.publish({ exchange, routingKey: 'x', body: String(n) }); // queued before consuming starts
    const consumer = client.createConsumer({ queue, concurrency: 2, prefetch: 4 }, async (m) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 50));
      running--;
      done.push(m.body.toString());
    });
    await vi.waitFor(() => expect(done).toHaveLength(6), { timeout: 10_000 });
    expect(peak).toBe(2);
    await consumer.pause();
    expect(consumer.paused).toBe(true);
    await publisher.publish({ exchange, routingKey: 'x', body: 'while-paused' });
    await expect.poll(() => client.queueStats(queue), { timeout: 5000 }).toEqual({ messageCount: 1, consumerCount: 0 });
    await consumer.resume();
    await vi.waitFor(() => expect(done).toContain('while-paused'), { timeout: 10_000 });
    await consumer.close();
  });

  it('acks the deliveries that end in one event-loop turn in a shared socket write, each acked once', async () => {
    const { exchange, queue } = await declared();
    const count = 200;
    await Promise.all(Array.from({ length: count }, (_, n) => publisher.publish({ exchange, routingKey: 'x', body: String(n) })));
    const outcomes: string[] = [];
    let consumer: ReturnType<typeof client.createConsumer> | undefined;
    const writes = await countSocketWrites(async () => {
      consumer = client.createConsumer({ queue, prefetch: count, concurrency: count }, () => Promise.resolve());
      consumer.on('outcome', (e) => outcomes.push(e.outcome));
      await vi.waitFor(() => expect(outcomes).toHaveLength(count), { timeout: 10_000 });
    });
    // One write per ack without the cork (215 with the channel's open, qos and consume); a few
    // with it, as many as the socket reads the deliveries arrived in. Half leaves room for a busy machine.
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThanOrEqual(count / 2);
    await consumer!.close();
    expect(outcomes.every((o) => o === 'done')).toBe(true);
    // An unacked message would be back in the queue; the broker's counts settle a moment after close.
    await expect.poll(() => client.queueStats(queue), { timeout: 5000 }).toEqual({ messageCount: 0, consumerCount: 0 });
  });

  it('close(timeout) leaves an unfinished message for redelivery, never parked', async () => {
    const { exchange, queue } = await declared();
    let release: () => void = () => {};
    const stuck = new Promise<void>((r) => (release = r));
    const started = vi.fn();
    const consumer = client.createConsumer({ queue }, async () => {
      started();
      await stuck;
      throw new Error('fails after close');
    });
    await publisher.publish({ exchange, routingKey: 'x', body: 'slow' });
    await vi.waitFor(() => expect(started).toHaveBeenCalled(), { timeout: 10_000 });
    await consumer.close(200);
    // Back in the queue while its handler still hangs: close gave up and closed the channel.
    await expect.poll(() => client.queueStats(queue), { timeout: 5000 }).toMatchObject({ messageCount: 1 });
    release();
    await sleep(200); // the late failure must not be retried or parked
    expect((await client.queueStats(`${queue}.dlq`)).messageCount).toBe(0);
    const [back] = await drain(raw, queue);
    expect(back?.redelivered).toBe(true);
  });
});
