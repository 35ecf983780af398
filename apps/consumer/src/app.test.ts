import type { ConnectionState, DeadLetterAdmin, ParkedMessage, ReplaySelection } from '@mq/mq';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { z } from '@hono/zod-openapi';
import * as schemas from './admin/schemas.js';
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
  const messages = [parked, { ...parked, id: 'bin', body: Buffer.from([0xff, 0xfe]), lastError: 'UnrecoverableError: HTTP 422: no', lastFailureAt: new Date('2026-01-01T00:02:00Z') }];
  const list = vi.fn(() => Promise.resolve(messages));
  const replay = vi.fn((_q: string, selection?: ReplaySelection) => {
    if (selection === undefined) return Promise.resolve({ replayed: 7, failed: [], notParked: [] });
    const picked = typeof selection === 'function' ? messages.filter(selection).map((m) => m.id) : selection;
    const known = picked.filter((id) => id === 'm-1');
    return Promise.resolve({ replayed: known.length, failed: [], notParked: picked.filter((id) => !known.includes(id)) });
  });
  const browse = vi.fn((_q: string, visit: (m: ParkedMessage) => boolean | void) => {
    let seen = 0;
    for (const m of messages) {
      seen++;
      if (visit(m) === false) break;
    }
    return Promise.resolve(seen);
  });
  const purge = vi.fn((_q: string, expected?: number) => Promise.resolve(expected === undefined || expected === 3 ? { purged: 3, parked: 3 } : { purged: 0, parked: 3 }));
  const deadLetters: DeadLetterAdmin = { list, browse, replay, purge };
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
  return { app: createApp(deps), list, replay, browse };
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
    expect(await (await post('/v1/subscriptions/billing/dead-letters/replay', { all: true })).json()).toEqual({ replayed: 7, failed: [], notParked: [] });
    expect(replay).toHaveBeenLastCalledWith('billing.orders', undefined);
    expect(await (await post('/v1/subscriptions/billing/dead-letters/replay', { ids: ['m-1', 'x'] })).json()).toEqual({ replayed: 1, failed: [], notParked: ['x'] });
    expect(await (await post('/v1/subscriptions/billing/dead-letters/replay', { reason: 'HTTP 503' })).json()).toMatchObject({ replayed: 1 });
    expect((await post('/v1/subscriptions/billing/dead-letters/replay', { all: true, ids: ['m-1'] })).status).toBe(400);
    expect((await post('/v1/subscriptions/billing/dead-letters/m-1/replay')).status).toBe(200);
    expect((await post('/v1/subscriptions/billing/dead-letters/nope/replay')).status).toBe(404);
    const purge = await app.request('/v1/subscriptions/billing/dead-letters', { method: 'DELETE', headers: auth });
    expect(await purge.json()).toEqual({ purged: 3, parked: 3 });
    const mismatch = await app.request('/v1/subscriptions/billing/dead-letters?expected=2', { method: 'DELETE', headers: auth });
    expect(mismatch.status).toBe(409);
    expect(await mismatch.json()).toMatchObject({ code: 'COUNT_MISMATCH' });
  });

  it('answers 503 with Retry-After when the broker cannot be reached', async () => {
    const { app, list } = setup();
    list.mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5672'), { name: 'AMQPConnectionError' }));
    const res = await app.request('/v1/subscriptions/billing/dead-letters', { headers: auth });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    expect(body).not.toContain('10.0.0.7'); // internal detail stays in the log
  });

  it('answers 404 for an unknown subscription and 409 without a dead-letter queue', async () => {
    const { app } = setup();
    expect((await app.request('/v1/subscriptions/nope/dead-letters', { headers: auth })).status).toBe(404);
    expect((await app.request('/v1/subscriptions/audit/dead-letters', { headers: auth })).status).toBe(409);
  });
});

describe('admin API for the console', () => {
  it('groups parked messages by failure reason and pages them newest first', async () => {
    const { app } = setup();
    const groups = (await (await app.request('/v1/subscriptions/billing/dead-letters/groups', { headers: auth })).json()) as Record<string, unknown>;
    expect(groups).toMatchObject({ total: 2, groups: [{ reason: 'HTTP 422', count: 1 }, { reason: 'HTTP 503', count: 1 }] });
    const page = async (query: string) =>
      (await (await app.request(`/v1/subscriptions/billing/dead-letters/summaries?${query}`, { headers: auth })).json()) as { total: number; messages: Array<{ id: string }> };
    expect((await page('limit=10')).messages.map((m) => m.id)).toEqual(['bin', 'm-1']);
    expect(await page('offset=1&limit=1')).toMatchObject({ total: 2, messages: [{ id: 'm-1' }] });
    expect(await page('reason=HTTP%20503')).toMatchObject({ total: 1, messages: [{ id: 'm-1' }] });
    expect((await app.request('/v1/subscriptions/billing/dead-letters/summaries?offset=-1', { headers: auth })).status).toBe(400);
  });

  it('shows one parked message with its body, or 404', async () => {
    const { app } = setup();
    const one = await app.request('/v1/subscriptions/billing/dead-letters/m-1', { headers: auth });
    expect(await one.json()).toMatchObject({ id: 'm-1', body: '{"n":1}', reason: 'HTTP 503' });
    expect((await app.request('/v1/subscriptions/billing/dead-letters/none', { headers: auth })).status).toBe(404);
  });

  it('reports live subscription state', async () => {
    const { app } = setup();
    const status = (await (await app.request('/v1/status', { headers: auth })).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ connection: 'ready', subscriptions: [{ name: 'billing', circuit: 'closed', ready: null, parked: null }, { name: 'audit' }] });
    expect((await app.request('/v1/status')).status).toBe(401);
  });

  it('documents the admin API at /openapi.json without a token', async () => {
    const { app } = setup();
    const doc = (await (await app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/subscriptions', '/v1/status', '/v1/subscriptions/{name}/dead-letters', '/v1/subscriptions/{name}/dead-letters/groups',
      '/v1/subscriptions/{name}/dead-letters/summaries', '/v1/subscriptions/{name}/dead-letters/{id}', '/v1/subscriptions/{name}/dead-letters/replay',
    ]));
  });
});

describe('console', () => {
  it('serves its page with a strict CSP and its assets from the package, not a CDN', async () => {
    const { app } = setup();
    const page = await app.request('/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const html = await page.text();
    expect(html).toContain('<label for="token">');
    expect(html).not.toMatch(/https?:\/\//);
    const htmx = await app.request('/console/assets/htmx.min.js');
    expect(htmx.headers.get('content-type')).toContain('javascript');
    expect((await htmx.text()).length).toBeGreaterThan(10_000);
    expect((await app.request('/console/assets/../../package.json')).status).not.toBe(200);
  });

  it('renders fragments only for an admin token, through the admin API', async () => {
    const { app } = setup();
    expect((await app.request('/console/ui/subscriptions')).status).toBe(401);
    expect((await app.request('/console/ui/check', { headers: { authorization: 'Bearer pub' } })).status).toBe(403);
    const parked = await app.request('/console/ui/s/billing?reason=HTTP%20422', { headers: auth });
    expect(parked.headers.get('cache-control')).toBe('no-store');
    const html = await parked.text();
    expect(html).toContain('data-id="bin"');
    expect(html).not.toContain('data-id="m-1"');
    const message = await (await app.request('/console/ui/s/billing/m/m-1', { headers: auth })).text();
    expect(message).toContain('&quot;n&quot;: 1');
  });
});

const responseSchemas: Record<string, z.ZodType> = {
  'get /v1/subscriptions': z.array(schemas.subscriptionSchema),
  'get /v1/status': schemas.statusSchema,
  'get /v1/subscriptions/{name}/dead-letters': schemas.listSchema,
  'get /v1/subscriptions/{name}/dead-letters/groups': schemas.groupsSchema,
  'get /v1/subscriptions/{name}/dead-letters/summaries': schemas.pageSchema,
  'get /v1/subscriptions/{name}/dead-letters/{id}': schemas.parkedMessageSchema,
  'post /v1/subscriptions/{name}/dead-letters/replay': schemas.replayResultSchema,
  'post /v1/subscriptions/{name}/dead-letters/{id}/replay': schemas.replayResultSchema,
  'delete /v1/subscriptions/{name}/dead-letters': schemas.purgeResultSchema,
};

describe('the OpenAPI document matches what is served', () => {
  it('every documented operation exists, and its 200 body matches the documented schema', async () => {
    const { app } = setup();
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const bodies: Record<string, unknown> = { post: JSON.stringify({ all: true }) };
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const url = path.replace('{name}', 'billing').replace('{id}', 'm-1');
        const res = await app.request(url, { method: method.toUpperCase(), headers: { ...auth, 'content-type': 'application/json' }, body: bodies[method] as string | undefined });
        expect(res.status, `${method} ${url}`).toBe(200);
        const schema = responseSchemas[`${method} ${path}`];
        expect(schema, `a schema for ${method} ${path}`).toBeDefined();
        schema!.parse(await res.json());
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBe(Object.keys(responseSchemas).length);
  });
});
