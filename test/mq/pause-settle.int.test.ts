// Pausing (an open circuit) while deliveries are finishing: every finished delivery is acked on
// the channel it came from, nothing new starts while paused, and prefetched messages go back to
// the queue untouched. Forced, not left to timing: deliveries are held on a latch, the pause
// starts, then the latch opens, in many rounds inside one test.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { MemoryDedupStore, type AckFailureEvent, type IncomingMessage } from '@mq/mq';
import { drain, useBroker } from './helpers/broker.ts';

const { raw, client, declared } = useBroker();
const publisher = client.createPublisher({ appId: 'int-test' });

/** A gate the handlers wait on; `open()` lets every waiting and later handler through. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('pausing while deliveries finish', () => {
  it('acks every finished delivery, starts none while paused, and handles each message once', async () => {
    const { exchange, queue } = await declared();
    const rounds = 15;
    const perRound = 8; // prefetch 8, concurrency 4: 4 running and 4 prefetched when the pause starts
    let gate = latch();
    let pausing = false;
    const startedWhilePaused: string[] = [];
    const succeeded = new Map<string, number>();
    let held = 0;
    const handler = async (message: IncomingMessage) => {
      if (pausing) startedWhilePaused.push(`${message.messageId}#${message.attempt}`);
      // Every other message fails its first attempt at once: its retry copy is published to the
      // delay queue before its ack, which is what a lost ack would turn into a second copy.
      if (message.attempt === 1 && message.body.toString().endsWith('-fail')) throw new Error('first attempt fails');
      held++;
      await gate.opened;
      held--;
      succeeded.set(message.messageId!, (succeeded.get(message.messageId!) ?? 0) + 1);
    };
    const consumer = client.createConsumer({ queue, prefetch: 8, concurrency: 4, dedup: { store: new MemoryDedupStore(), windowMs: 60_000 } }, handler);
    const ackFailures: AckFailureEvent[] = [];
    consumer.on('ack-failure', (event) => ackFailures.push(event));
    const outcomes: string[] = [];
    consumer.on('outcome', (event) => outcomes.push(event.outcome));

    const ids: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (let n = 0; n < perRound; n++) {
        const messageId = randomUUID();
        ids.push(messageId);
        await publisher.publish({ exchange, routingKey: 'k', body: n % 2 ? `${messageId}-fail` : messageId, messageId });
      }
      await vi.waitFor(() => expect(held).toBe(4), { timeout: 10_000 });
      pausing = true;
      const paused = consumer.pause();
      gate.open(); // the held deliveries finish while the pause is under way
      await paused;
      gate = latch();
      pausing = false;
      await consumer.resume();
    }
    gate.open();
    await vi.waitFor(() => expect(succeeded.size).toBe(ids.length), { timeout: 30_000 });
    await consumer.close();

    expect(startedWhilePaused).toEqual([]);
    expect(ackFailures).toEqual([]);
    expect([...succeeded.values()].filter((count) => count !== 1)).toEqual([]);
    expect(outcomes.filter((o) => o === 'parked' || o === 'dropped')).toEqual([]);
    expect(await drain(raw, `${queue}.dlq`)).toEqual([]);
    expect((await client.queueStats(queue)).messageCount).toBe(0);
  });
});

/**
 * Publishes a copy of `messageId`, waits until the handler has it, publishes a second copy and
 * waits until that one is taken off the queue too (it then waits in the consumer for the first).
 */
async function twoCopiesInFlight(messageId: string, handler: (message: IncomingMessage) => Promise<void>, claimMs?: number) {
  const { exchange, queue } = await declared();
  const calls = vi.fn(handler);
  const dedup = { store: new MemoryDedupStore(), windowMs: 60_000, ...(claimMs ? { claimMs } : {}) };
  const consumer = client.createConsumer({ queue, concurrency: 4, dedup }, calls);
  const outcomes: string[] = [];
  consumer.on('outcome', (event) => outcomes.push(event.outcome));
  const publishCopy = () => publisher.publish({ exchange, routingKey: 'k', body: 'same', messageId });
  await publishCopy();
  await vi.waitFor(() => expect(calls).toHaveBeenCalledTimes(1), { timeout: 10_000 });
  await publishCopy();
  await vi.waitFor(() => expect(consumer.inFlight).toBe(2), { timeout: 10_000 });
  return { consumer, outcomes, calls };
}

describe('dedup of copies in flight', () => {
  it('holds a second copy of an id while the first runs, then acks it as a duplicate', async () => {
    const gate = latch();
    // The copy is taken off the queue and waits in the consumer, not in the handler.
    const { consumer, outcomes, calls: handler } = await twoCopiesInFlight('copy-1', () => gate.opened, 30_000);
    expect(handler).toHaveBeenCalledTimes(1);
    gate.open();
    await vi.waitFor(() => expect(outcomes.sort()).toEqual(['done', 'duplicate']), { timeout: 10_000 });
    expect(handler).toHaveBeenCalledTimes(1);
    await consumer.close();
  });

  it('lets the waiting copy run when the first one fails, and its retry copy is then a duplicate', async () => {
    const gate = latch();
    const attempts: number[] = [];
    const { consumer, outcomes } = await twoCopiesInFlight('copy-2', async (message) => {
      attempts.push(message.attempt);
      if (attempts.length === 1) {
        await gate.opened;
        throw new Error('first copy fails');
      }
    });
    gate.open();
    await vi.waitFor(() => expect(outcomes.sort()).toEqual(['done', 'duplicate', 'retried']), { timeout: 10_000 });
    expect(attempts).toEqual([1, 1]); // the retry copy (attempt 2) never reached the handler
    await consumer.close();
  });
});
