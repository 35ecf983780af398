import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RedisDedupStore } from '@mq/mq';
import { createClient, deleteTopology, rawConnection, REDIS_URL, simpleTopology } from './helpers/broker.ts';

const redis = new Redis(REDIS_URL);
const prefix = `t.dedup.${randomUUID()}:`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('RedisDedupStore (real Redis)', () => {
  it('remembers a done id for its window, then forgets it', async () => {
    const store = new RedisDedupStore({ client: redis, keyPrefix: prefix });
    expect(await store.claim('a', 60_000)).toMatchObject({ status: 'claimed' });
    await store.remember('a', 300);
    expect(await store.claim('a', 60_000)).toEqual({ status: 'done' });
    const ttl = await redis.pttl(`${prefix}a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await expect.poll(async () => (await store.claim('a', 60_000)).status, { timeout: 5000 }).toBe('claimed');
  });

  it('holds a claim across stores (replicas) until its own token releases it, or it expires', async () => {
    const [one, two] = [new RedisDedupStore({ client: redis, keyPrefix: prefix }), new RedisDedupStore({ client: redis, keyPrefix: prefix })];
    const held = (await one.claim('b', 60_000)) as { status: string; token: string };
    expect(held.status).toBe('claimed');
    expect(await two.claim('b', 60_000)).toEqual({ status: 'in-flight' });
    await two.release('b', 'claim:someone-else');
    expect(await two.claim('b', 60_000)).toEqual({ status: 'in-flight' });
    await one.release('b', held.token);
    const next = (await two.claim('b', 200)) as { status: string; token: string };
    expect(next.status).toBe('claimed');
    // Expired: a third copy may go on, and the expired holder's release leaves the new claim alone.
    await expect.poll(async () => (await one.claim('b', 60_000)).status, { timeout: 5000 }).toBe('claimed');
    await two.release('b', next.token);
    expect(await two.claim('b', 60_000)).toEqual({ status: 'in-flight' });
  });

  it('is shared by two consumer replicas: a duplicate is acked without a second handler call', async () => {
    const raw = rawConnection();
    const clients = [createClient(), createClient()];
    const topology = simpleTopology();
    await clients[0]!.declare(topology);
    await clients[1]!.declare(topology);
    const handler = vi.fn(() => delay(300)); // slow enough that the copies overlap
    const stores = clients.map(() => new RedisDedupStore({ url: REDIS_URL, keyPrefix: prefix }));
    const outcomes: string[] = [];
    clients.forEach((client, i) => {
      const consumer = client.createConsumer({ queue: topology.queue, prefetch: 1, dedup: { store: stores[i]!, windowMs: 60_000 } }, handler);
      consumer.on('outcome', (e) => outcomes.push(e.outcome));
    });
    const publisher = clients[0]!.createPublisher();
    const publishCopy = () => publisher.publish({ exchange: topology.exchange, routingKey: 'x', body: 'same', messageId: 'dup-1' });
    // All copies at once: each replica claims the id before delivering, so while one copy runs the
    // others wait for it, then find it done.
    for (let n = 0; n < 4; n++) await publishCopy();
    await vi.waitFor(() => expect(outcomes).toHaveLength(4), { timeout: 10_000 });
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(1);
    expect(handler).toHaveBeenCalledTimes(1);
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(stores.map((s) => s.close()));
    await deleteTopology(raw, topology);
    await raw.close();
  });

  it('never stops delivery when Redis is down: the message is processed (at-least-once)', async () => {
    const raw = rawConnection();
    const client = createClient();
    const topology = simpleTopology();
    await client.declare(topology);
    const store = new RedisDedupStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix });
    const outcomes: string[] = [];
    const consumer = client.createConsumer({ queue: topology.queue, dedup: { store, windowMs: 60_000 } }, () => Promise.resolve());
    consumer.on('outcome', (e) => outcomes.push(e.outcome));
    await client.createPublisher().publish({ exchange: topology.exchange, routingKey: 'x', body: 'x', messageId: 'no-redis' });
    await vi.waitFor(() => expect(outcomes).toEqual(['done']), { timeout: 20_000 });
    await client.close();
    await store.close().catch(() => {});
    await deleteTopology(raw, topology);
    await raw.close();
  });
});
