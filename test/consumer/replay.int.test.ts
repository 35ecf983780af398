// Dead letters through the admin API: list without losing, replay one / some / all (attempts
// reset), a replay that fails again parks again, purge; bearer auth with an admin token.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../helpers/processes.ts';
import { clearControl, consumerConfig, control, publish, receivedBy, useConsumerTest } from './support.ts';

const { conn, names } = useConsumerTest();
const path = `/replay/${randomUUID()}`;
const token: string = randomUUID();
let sample: AppProcess;
let consumer: AppProcess;

beforeAll(async () => {
  sample = await startApp('sample-app');
  const auth = { tokens: [{ name: 'ops', env: 'OPS_TOKEN', admin: true }, { name: 'checkout', env: 'CHECKOUT_TOKEN', publish: [names.topic] }] };
  consumer = await startApp('consumer', {
    config: consumerConfig(names, { url: `${sample.url}${path}` }, { auth }),
    env: { OPS_TOKEN: token, CHECKOUT_TOKEN: 'not-admin' },
  });
});
const admin = (suffix: string, init: RequestInit = {}, bearer = token) =>
  fetch(`${consumer.url}/v1/subscriptions/${names.subscription}/dead-letters${suffix}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
  });

interface Parked {
  id: string;
  body: string;
  attempts: number;
  lastError: string;
  headers: Record<string, unknown>;
}
const listParked = async (): Promise<Parked[]> => ((await (await admin('')).json()) as { messages: Parked[] }).messages;
const deliveriesOf = async (id: string) => (await receivedBy(sample, path)).filter((r) => r.headers['ce-id'] === id);

async function park(ids: string[]): Promise<void> {
  for (const id of ids) {
    await control(sample, { ceId: id, status: 422 });
    await publish(conn, { exchange: names.exchange, routingKey: 'order.created', messageId: id, contentType: 'text/plain' }, `body of ${id}`);
  }
  await expect.poll(async () => (await listParked()).filter((p) => ids.includes(p.id)).length, { timeout: 15_000 }).toBe(ids.length);
}

describe('dead-letter admin API', () => {
  it('refuses requests without an admin token', async () => {
    expect((await fetch(`${consumer.url}/v1/subscriptions`)).status).toBe(401);
    expect((await admin('', {}, 'not-admin')).status).toBe(403);
    expect((await admin('', {}, 'wrong')).status).toBe(401);
  });

  it('lists parked messages with their reasons without removing them', async () => {
    const id = randomUUID();
    await park([id]);
    const first = (await listParked()).find((p) => p.id === id);
    expect(first).toMatchObject({ body: `body of ${id}`, attempts: 1, lastError: expect.stringContaining('HTTP 422'), replays: 0 });
    expect((await listParked()).find((p) => p.id === id)).toEqual(first);
  });

  it('replays one message to the work queue with its attempts reset', async () => {
    const id = randomUUID();
    await park([id]);
    await clearControl(sample);
    const response = await admin(`/${id}/replay`, { method: 'POST' });
    expect(await response.json()).toEqual({ replayed: 1, failed: [], notParked: [] });
    await expect.poll(() => deliveriesOf(id), { timeout: 15_000 }).toHaveLength(2);
    const [, replayed] = await deliveriesOf(id);
    expect(replayed).toMatchObject({ status: 200, body: `body of ${id}` });
    expect(replayed!.headers['x-delivery-attempt']).toBe('1');
    expect((await listParked()).some((p) => p.id === id)).toBe(false);
  });

  it('replays some by id, then all; a replay that fails again is parked again', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await park(ids);
    await clearControl(sample);
    await control(sample, { ceId: ids[2], status: 400 }); // still poison
    expect(await (await admin('/replay', { method: 'POST', body: JSON.stringify({ ids: [ids[0]] }) })).json()).toEqual({ replayed: 1, failed: [], notParked: [] });
    await expect.poll(async () => (await deliveriesOf(ids[0]!)).map((r) => r.status), { timeout: 15_000 }).toEqual([422, 200]);
    expect((await admin('/replay', { method: 'POST', body: '{}' })).status).toBe(400);
    const all = (await (await admin('/replay', { method: 'POST', body: JSON.stringify({ all: true }) })).json()) as { replayed: number };
    expect(all.replayed).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await deliveriesOf(ids[1]!)).map((r) => r.status), { timeout: 15_000 }).toEqual([422, 200]);
    await expect.poll(async () => (await listParked()).find((p) => p.id === ids[2]), { timeout: 15_000 }).toMatchObject({
      lastError: expect.stringContaining('HTTP 400'),
      parkedReason: 'unrecoverable',
      replays: 1,
    });
    expect((await deliveriesOf(ids[2]!)).map((r) => r.status)).toEqual([422, 400]);
  });

  it('purges the dead-letter queue', async () => {
    await park([randomUUID(), randomUUID()]);
    const purged = (await (await admin('', { method: 'DELETE' })).json()) as { purged: number };
    expect(purged.purged).toBeGreaterThanOrEqual(2);
    expect(await listParked()).toEqual([]);
  });
});
