import type { ConnectionState, DeadLetterAdmin, ParkedMessage } from '@mq/mq';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { createApp, type AppDeps } from './app.js';
import type { AdminAccess } from './config.js';
import type { SubscriptionStatus } from './worker.js';

const parked: ParkedMessage = {
  id: 'm-1',
  body: Buffer.from('{"n":1}'),
  contentType: 'application/json',
  headers: { big: 2n, raw: Buffer.from('x') },
  attempts: 5,
  lastError: 'HTTP 503',
  originalExchange: 'orders',
  originalRoutingKey: 'order.created',
  firstFailureAt: new Date('2026-01-01T00:00:00Z'),
  lastFailureAt: new Date('2026-01-01T00:01:00Z'),
};

function setup(options: { access?: AdminAccess; remote?: string; state?: ConnectionState; status?: SubscriptionStatus[]; draining?: boolean } = {}) {
  const list = vi.fn(() => Promise.resolve([parked, { ...parked, id: 'bin', body: Buffer.from([0xff, 0xfe]) }]));
  const replay = vi.fn((_q: string, ids?: string[]) => Promise.resolve({ replayed: ids ? ids.filter((id) => id === 'm-1').length : 7 }));
  const deadLetters: DeadLetterAdmin = { list, replay, purge: vi.fn(() => Promise.resolve({ purged: 3 })) };
  const deps: AppDeps = {
    connectionState: () => options.state ?? 'ready',
    status: () => options.status ?? [{ name: 'billing', queue: 'billing.orders', inFlight: 0, paused: false, circuit: 'closed' }],
    consuming: () => true,
    draining: () => options.draining ?? false,
    registry: new Registry(),
    subscriptions: [
      { name: 'billing', queue: 'billing.orders', deadLetter: true },
      { name: 'audit', queue: 'audit', deadLetter: false },
    ],
    deadLetters,
    admin: options.access ?? { kind: 'tokens', secrets: new Map([['s3cret', { name: 'ops', admin: true }], ['pub', { name: 'checkout', admin: false }]]) },
    remoteAddress: () => options.remote ?? '10.0.0.9',
  };
  return { app: createApp(deps), list, replay };
}

const auth = { authorization: 'Bearer s3cret' };

describe('health', () => {
  it('is ready when connected, consuming, closed circuits and not draining', async () => {
    const { app } = setup();
    expect((await app.request('/livez')).status).toBe(200);
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ready: true, connection: 'ready', subscriptions: [{ name: 'billing', circuit: 'closed' }] });
  });

  it.each([
    ['draining', { draining: true }],
    ['disconnected', { state: 'connecting' as const }],
    ['open circuit', { status: [{ name: 'billing', queue: 'q', inFlight: 0, paused: true, circuit: 'open' as const }] }],
  ])('answers 503 when %s', async (_name, options) => {
    const res = await setup(options).app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ready: false });
  });
});

describe('admin API', () => {
  it('needs an admin bearer token when tokens are configured', async () => {
    const { app } = setup();
    const none = await app.request('/v1/subscriptions/billing/dead-letters');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await app.request('/v1/subscriptions', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await app.request('/v1/subscriptions', { headers: { authorization: 'Bearer pub' } })).status).toBe(403);
    expect((await app.request('/v1/subscriptions', { headers: auth })).status).toBe(200);
    expect((await app.request('/metrics')).status).toBe(200);
  });

  it('serves loopback clients only when no tokens are configured', async () => {
    expect((await setup({ access: { kind: 'loopback' }, remote: '10.1.1.1' }).app.request('/v1/subscriptions')).status).toBe(403);
    expect((await setup({ access: { kind: 'loopback' }, remote: '127.0.0.1' }).app.request('/v1/subscriptions')).status).toBe(200);
    expect((await setup({ access: { kind: 'loopback' }, remote: '::1' }).app.request('/v1/subscriptions')).status).toBe(200);
  });

  it('lists parked messages with their reasons, text or base64 bodies', async () => {
    const { app, list } = setup();
    const res = await app.request('/v1/subscriptions/billing/dead-letters?limit=2', { headers: auth });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { messages: Array<Record<string, unknown>> };
    expect(list).toHaveBeenCalledWith('billing.orders', 2);
    expect(json.messages[0]).toMatchObject({
      id: 'm-1', body: '{"n":1}', bodyEncoding: 'utf8', attempts: 5, lastError: 'HTTP 503',
      originalRoutingKey: 'order.created', firstFailureAt: '2026-01-01T00:00:00.000Z', headers: { big: '2', raw: 'x' },
    });
    expect(json.messages[1]).toMatchObject({ body: '//4=', bodyEncoding: 'base64' });
    expect((await app.request('/v1/subscriptions/billing/dead-letters?limit=0', { headers: auth })).status).toBe(400);
  });

  it('replays all, some or one, and purges', async () => {
    const { app, replay } = setup();
    const post = (path: string, body?: unknown) =>
      app.request(path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await post('/v1/subscriptions/billing/dead-letters/replay')).status).toBe(400);
    expect(await (await post('/v1/subscriptions/billing/dead-letters/replay', { all: true })).json()).toEqual({ replayed: 7 });
    expect(replay).toHaveBeenLastCalledWith('billing.orders', undefined);
    expect(await (await post('/v1/subscriptions/billing/dead-letters/replay', { ids: ['m-1', 'x'] })).json()).toEqual({ replayed: 1 });
    expect((await post('/v1/subscriptions/billing/dead-letters/m-1/replay')).status).toBe(200);
    expect((await post('/v1/subscriptions/billing/dead-letters/nope/replay')).status).toBe(404);
    const purge = await app.request('/v1/subscriptions/billing/dead-letters', { method: 'DELETE', headers: auth });
    expect(await purge.json()).toEqual({ purged: 3 });
  });

  it('answers 503 with Retry-After when the broker cannot be reached', async () => {
    const { app, list } = setup();
    list.mockRejectedValueOnce(Object.assign(new Error('connection closed'), { name: 'AMQPConnectionError' }));
    const res = await app.request('/v1/subscriptions/billing/dead-letters', { headers: auth });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
  });

  it('answers 404 for an unknown subscription and 409 without a dead-letter queue', async () => {
    const { app } = setup();
    expect((await app.request('/v1/subscriptions/nope/dead-letters', { headers: auth })).status).toBe(404);
    expect((await app.request('/v1/subscriptions/audit/dead-letters', { headers: auth })).status).toBe(409);
  });
});
