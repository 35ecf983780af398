import { describe, expect, it, vi } from 'vitest';
import { UnrecoverableError, type IncomingMessage } from '@mq/mq';
import { useBroker } from './helpers/broker.ts';

const { client, declared } = useBroker();
const publisher = client.createPublisher();

/** Declares a queue whose consumer parks everything not marked `ok`, and parks `count` messages. */
async function parkedQueue(count: number, overrides: Parameters<typeof declared>[0] = {}) {
  const topology = await declared(overrides);
  const handled: IncomingMessage[] = [];
  const consumer = client.createConsumer({ queue: topology.queue }, (m) => {
    handled.push(m);
    return m.headers.ok ? Promise.resolve() : Promise.reject(new UnrecoverableError(`bad ${m.body.toString()}`));
  });
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const { messageId } = await publisher.publish({ exchange: topology.exchange, routingKey: `k.${n}`, body: `m${n}`, headers: { traceparent: `00-${'1'.repeat(31)}${n}-${'2'.repeat(16)}-01` } });
    ids.push(messageId);
    // One at a time: a work queue with x-max-length 1 refuses the next publish until this one is parked.
    await expect.poll(() => client.queueStats(`${topology.queue}.dlq`), { timeout: 10_000 }).toMatchObject({ messageCount: n + 1 });
  }
  return { ...topology, ids, handled, consumer };
}

describe('dead letters', () => {
  it('lists parked messages oldest first, as often as asked, without losing any', async () => {
    const { queue, ids, consumer } = await parkedQueue(3);
    await consumer.close();
    const admin = client.deadLetters();
    for (let round = 0; round < 25; round++) {
      const listed = await admin.list(queue);
      expect(listed.map((p) => p.id)).toEqual(ids);
    }
    const [first] = await admin.list(queue, 1);
    expect(first).toMatchObject({ attempts: 1, lastError: 'UnrecoverableError: bad m0', originalRoutingKey: 'k.0' });
    expect(first!.headers['x-mq-parked-reason']).toBe('unrecoverable');
    expect((await client.queueStats(`${queue}.dlq`)).messageCount).toBe(3);
  });

  it('replays chosen ids to the work queue with the attempt reset and the trace kept', async () => {
    const { queue, ids, handled } = await parkedQueue(3);
    handled.length = 0;
    const { replayed } = await client.deadLetters().replay(queue, [ids[1]!]);
    expect(replayed).toBe(1);
    await vi.waitFor(() => expect(handled).toHaveLength(1), { timeout: 10_000 });
    expect(handled[0]).toMatchObject({ messageId: ids[1], attempt: 1, routingKey: 'k.1' });
    expect(handled[0]!.headers.traceparent).toBe(`00-${'1'.repeat(31)}1-${'2'.repeat(16)}-01`);
    // parked again (still bad): the other two stayed where they were
    await expect.poll(() => client.queueStats(`${queue}.dlq`), { timeout: 10_000 }).toMatchObject({ messageCount: 3 });
    const again = (await client.deadLetters().list(queue)).find((p) => p.id === ids[1]);
    expect(again?.headers['x-mq-replay-count']).toBe(1);
  });

  it('replays all, and purges', async () => {
    const { queue, ids, handled, consumer } = await parkedQueue(2);
    await consumer.close();
    expect(await client.deadLetters().replay(queue)).toEqual({ replayed: 2, failed: [], notParked: [] });
    expect((await client.queueStats(queue)).messageCount).toBe(2);
    expect((await client.queueStats(`${queue}.dlq`)).messageCount).toBe(0);
    expect(handled.map((m) => m.messageId)).toEqual(ids);
    const fix = client.createConsumer({ queue }, () => Promise.reject(new UnrecoverableError('still bad')));
    await expect.poll(() => client.queueStats(`${queue}.dlq`), { timeout: 10_000 }).toMatchObject({ messageCount: 2 });
    await fix.close();
    expect(await client.deadLetters().purge(queue, 3)).toEqual({ purged: 0, parked: 2 });
    expect(await client.deadLetters().purge(queue, 2)).toEqual({ purged: 2, parked: 2 });
    expect(await client.deadLetters().list(queue)).toEqual([]);
  });

  it('browses every parked message oldest first without removing any, and stops when asked', async () => {
    const { queue, ids, consumer } = await parkedQueue(5);
    await consumer.close();
    const admin = client.deadLetters();
    const seen: string[] = [];
    expect(await admin.browse(queue, (m) => void seen.push(m.id))).toBe(5);
    expect(seen).toEqual(ids);
    const firstTwo: string[] = [];
    expect(await admin.browse(queue, (m) => firstTwo.push(m.id) < 2)).toBe(2);
    expect(firstTwo).toEqual(ids.slice(0, 2));
    expect((await admin.list(queue)).map((p) => p.id)).toEqual(ids);
  });

  it('replays those a predicate picks and names the ids that were not parked', async () => {
    const { queue, ids, consumer } = await parkedQueue(3);
    await consumer.close();
    const admin = client.deadLetters();
    expect(await admin.replay(queue, (m) => m.originalRoutingKey === 'k.2')).toEqual({ replayed: 1, failed: [], notParked: [] });
    expect(await admin.replay(queue, [ids[0]!, 'nope'])).toEqual({ replayed: 1, failed: [], notParked: ['nope'] });
    expect((await admin.list(queue)).map((p) => p.id)).toEqual([ids[1]]);
    expect((await client.queueStats(queue)).messageCount).toBe(2);
  });

  it('leaves a message parked when the work queue refuses it, names it, and replays the rest', async () => {
    // A full work queue (x-max-length 1, reject-publish) nacks the replays once it is full
    // (a quorum queue may take one past its limit before it starts refusing).
    const { queue, ids, consumer } = await parkedQueue(4, { maxLength: 1 });
    await consumer.close();
    const result = await client.deadLetters().replay(queue);
    expect(result.failed.length).toBeGreaterThan(0);
    expect(result.replayed + result.failed.length).toBe(4);
    expect(result.failed.map((f) => f.id)).toEqual(ids.slice(result.replayed));
    expect(result.failed[0]!.error).toMatch(/refused/);
    expect((await client.deadLetters().list(queue)).map((p) => p.id)).toEqual(ids.slice(result.replayed));
    expect((await client.queueStats(queue)).messageCount).toBe(result.replayed);
  });
});
