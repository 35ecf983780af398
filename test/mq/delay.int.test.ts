import { describe, expect, it, vi } from 'vitest';
import { DELAY_DELIVERY_EXCHANGE, DELAY_UNROUTABLE, delayQueueNames, UnrecoverableError, type IncomingMessage } from '@mq/mq';
import type { Connection } from 'rabbitmq-client';
import { fastRetry, uniqueName, useBroker } from './helpers/broker.ts';

const { raw, client, track } = useBroker();
const publisher = client.createPublisher({ appId: 'int-test' });
/** Levels 0 … 10 (100 ms × 2^10 = 102.4 s is the highest). */
const MAX_DELAY_MS = 120_000;

/** The contract's precision: never early, at most max(1 s, 1%) late. */
function allowedLatenessMs(delayMs: number): number {
  return Math.max(1000, delayMs / 100);
}

async function delayTopology(extraQueues = 0) {
  const exchange = uniqueName('ex');
  const queues = Array.from({ length: 1 + extraQueues }, () => uniqueName('q'));
  const topology = track({
    exchange,
    queue: queues[0]!,
    exchanges: [exchange],
    queues: queues.map((name) => ({ name, bindings: [{ exchange, routingKey: 'order.*' }], retry: fastRetry, deadLetter: true })),
    maxDelayMs: MAX_DELAY_MS,
  });
  await client.declare({ ...topology, queues: [topology.queues[0]!] });
  return topology;
}

function record(queue: string) {
  const arrived = new Map<string, { at: number; message: IncomingMessage }>();
  const consumer = client.createConsumer({ queue }, (message) => {
    arrived.set(message.messageId!, { at: Date.now(), message });
    return Promise.resolve();
  });
  return { arrived, consumer };
}

/**
 * Takes one message off the shared catch-all queue, leaving the others: unacked gets on one
 * channel, ack ours, and closing the channel returns the rest (the test broker is 3.10, where a
 * quorum queue has no delivery limit by default).
 */
async function takeUnroutable(conn: Connection, messageId: string): Promise<boolean> {
  const ch = await conn.acquire();
  try {
    for (let i = 0; i < 10_000; i++) {
      const message = await ch.basicGet({ queue: DELAY_UNROUTABLE });
      if (!message) return false;
      if (message.messageId === messageId) {
        ch.basicAck({ deliveryTag: message.deliveryTag });
        return true;
      }
    }
    return false;
  } finally {
    await ch.close();
  }
}

describe('delayed delivery', () => {
  it('declares one level queue per bit of the longest delay', () => {
    expect(delayQueueNames(MAX_DELAY_MS)).toEqual(Array.from({ length: 11 }, (_, k) => `mq.delay.${String(k).padStart(2, '0')}`));
    expect(delayQueueNames(7 * 86_400_000)).toHaveLength(23);
  });

  it('delivers after 1 s, 7 s, 51.3 s (past the 51.2 s level boundary) and 60 s: never early, at most max(1 s, 1%) late', async () => {
    const { exchange, queue } = await delayTopology();
    const { arrived, consumer } = record(queue);
    const delays = [1000, 7000, 51_300, 60_000];
    const sent = await Promise.all(
      delays.map(async (delayMs) => {
        const publishedAt = Date.now();
        const { messageId, notBefore } = await publisher.publish({ exchange, routingKey: 'order.created', body: `d${delayMs}`, delayMs });
        return { delayMs, messageId, notBefore: notBefore!, publishedAt };
      }),
    );
    const undelayed = await publisher.publish({ exchange, routingKey: 'order.created', body: 'now' });
    await vi.waitFor(() => expect(arrived.has(undelayed.messageId)).toBe(true), { timeout: 5000 });
    await vi.waitFor(() => expect(arrived.size).toBe(delays.length + 1), { timeout: 75_000, interval: 200 });
    for (const { delayMs, messageId, notBefore, publishedAt } of sent) {
      const { at, message } = arrived.get(messageId)!;
      expect(notBefore.getTime()).toBeGreaterThanOrEqual(publishedAt + delayMs);
      expect(at, `${delayMs} ms delay arrived early`).toBeGreaterThanOrEqual(notBefore.getTime());
      expect(at - notBefore.getTime(), `${delayMs} ms delay arrived late`).toBeLessThanOrEqual(allowedLatenessMs(delayMs));
      // The handler sees the topic's exchange and routing key, and when it was due.
      expect(message).toMatchObject({ exchange, routingKey: 'order.created', body: Buffer.from(`d${delayMs}`), notBefore });
      expect(Object.keys(message.headers).filter((k) => k.startsWith('x-'))).toEqual([]);
    }
    expect(arrived.get(undelayed.messageId)!.message.notBefore).toBeUndefined();
    console.log(`[delay] lateness (ms) by delay: ${sent.map((s) => `${s.delayMs}: ${arrived.get(s.messageId)!.at - s.notBefore.getTime()}`).join(', ')}`);
    await consumer.close();
  }, 90_000);

  it('routes at due time by the bindings of that time, only to matching ones, and keeps what none wants', async () => {
    const topology = await delayTopology(1);
    const [first, late] = topology.queues;
    const early = record(first!.name);
    const { messageId } = await publisher.publish({ exchange: topology.exchange, routingKey: 'order.paid', body: 'x', delayMs: 3000 });
    const unmatched = await publisher.publish({ exchange: topology.exchange, routingKey: 'invoice.paid', body: 'y', delayMs: 500 });
    // A queue bound after the publish, before the due time, gets it too.
    await client.declare({ ...topology, queues: [late!] });
    const second = record(late!.name);
    await vi.waitFor(() => expect([early.arrived.has(messageId), second.arrived.has(messageId)]).toEqual([true, true]), { timeout: 10_000 });
    expect(early.arrived.has(unmatched.messageId) || second.arrived.has(unmatched.messageId)).toBe(false);
    // Due and wanted by no binding: kept in the catch-all queue, not lost.
    await vi.waitFor(async () => expect(await takeUnroutable(raw, unmatched.messageId)).toBe(true), { timeout: 10_000 });
    await Promise.all([early.consumer.close(), second.consumer.close()]);
  }, 20_000);

  it('delivers with an empty routing key to a queue bound with an empty pattern', async () => {
    const exchange = uniqueName('ex');
    const queue = uniqueName('q');
    await client.declare(track({ exchanges: [exchange], queues: [{ name: queue, bindings: [{ exchange, routingKey: '' }], retry: fastRetry, deadLetter: true }], maxDelayMs: MAX_DELAY_MS }));
    const { arrived, consumer } = record(queue);
    const { messageId } = await publisher.publish({ exchange, routingKey: '', body: 'x', delayMs: 200 });
    await vi.waitFor(() => expect(arrived.get(messageId)?.message.routingKey).toBe(''), { timeout: 5000 });
    await consumer.close();
  });

  it('keeps the due time on a retry and drops it on a replay from the dead-letter queue', async () => {
    const { exchange, queue } = await delayTopology();
    const seen: IncomingMessage[] = [];
    const consumer = client.createConsumer({ queue }, (message) => {
      seen.push(message);
      if (seen.length === 1) return Promise.reject(new Error('once more'));
      if (seen.length === 2) return Promise.reject(new UnrecoverableError('park it'));
      return Promise.resolve();
    });
    const { messageId, notBefore } = await publisher.publish({ exchange, routingKey: 'order.created', body: 'x', delayMs: 300 });
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await client.deadLetters().list(queue)).toHaveLength(1), { timeout: 5000 });
    expect(await client.deadLetters().replay(queue, [messageId])).toEqual({ replayed: 1, failed: [], notParked: [] });
    await vi.waitFor(() => expect(seen).toHaveLength(3), { timeout: 10_000 });
    expect(seen.map((m) => [m.attempt, m.notBefore?.getTime()])).toEqual([[1, notBefore!.getTime()], [2, notBefore!.getTime()], [1, undefined]]);
    await consumer.close();
  });

  it('refuses a delay it cannot hold before sending anything', async () => {
    const { exchange } = await delayTopology();
    await expect(publisher.publish({ exchange, routingKey: 'a', body: 'x', delayMs: -1 })).rejects.toMatchObject({ code: 'INVALID_DELAY' });
    await expect(publisher.publish({ exchange, routingKey: 'a', body: 'x', delayMs: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_DELAY' });
    await expect(publisher.publish({ exchange, routingKey: 'a', body: 'x', delayMs: 30 * 86_400_000 })).rejects.toMatchObject({ code: 'INVALID_DELAY' });
    await expect(publisher.publish({ exchange: '', routingKey: 'a', body: 'x', delayMs: 1000 })).rejects.toMatchObject({ code: 'INVALID_DELAY' });
    expect(DELAY_DELIVERY_EXCHANGE).toBe('mq.delay.deliver');
  });
});
