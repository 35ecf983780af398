import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSampleApp } from './app.js';

const post = (path: string, body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', ...headers },
});

describe('sample app', () => {
  it('records deliveries with path, headers, body and content type', async () => {
    const { app } = createSampleApp();
    const res = await app.request('/orders', post('/orders', '{"a":1}', { 'ce-id': 'm1' }));
    expect(res.status).toBe(200);
    const list = (await (await app.request('/received')).json()) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ path: '/orders', body: '{"a":1}', contentType: 'application/json', size: 7 });
    expect((list[0]!.headers as Record<string, string>)['ce-id']).toBe('m1');
    expect((await app.request('/received', { method: 'DELETE' })).status).toBe(204);
    expect(await (await app.request('/received')).json()).toEqual([]);
  });

  it('answers as scripted for a number of requests, then 200 again', async () => {
    const { app } = createSampleApp();
    const control = await app.request('/control', {
      method: 'POST',
      body: JSON.stringify({ path: '/x', status: 429, retryAfter: 2, count: 2 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(control.status).toBe(201);
    const first = await app.request('/x', post('/x', '1'));
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect((await app.request('/y', post('/y', '1'))).status).toBe(200);
    expect((await app.request('/x', post('/x', '1'))).status).toBe(429);
    expect((await app.request('/x', post('/x', '1'))).status).toBe(200);
  });

  it('answers HEAD probes with the scripted status without using up a rule', async () => {
    const { app, behaviour } = createSampleApp();
    behaviour.add({ path: '/x', status: 503, count: 1 });
    expect((await app.request('/x', { method: 'HEAD' })).status).toBe(503);
    expect((await app.request('/x', { method: 'HEAD' })).status).toBe(503);
    expect((await app.request('/x', post('/x', '1'))).status).toBe(503);
    expect((await app.request('/x', { method: 'HEAD' })).status).toBe(200);
  });

  it('matches rules by ce-id', async () => {
    const { app, behaviour } = createSampleApp();
    behaviour.add({ ceId: 'poison', status: 422 });
    expect((await app.request('/x', post('/x', '1', { 'ce-id': 'poison' }))).status).toBe(422);
    expect((await app.request('/x', post('/x', '1', { 'ce-id': 'fine' }))).status).toBe(200);
  });

  it('rejects a malformed control rule', async () => {
    const { app } = createSampleApp();
    const res = await app.request('/control', { method: 'POST', body: '{"status":"nope"}' });
    expect(res.status).toBe(400);
  });

  it('keeps only the most recent deliveries but counts all', async () => {
    const { app, received } = createSampleApp({ keep: 2 });
    for (const n of [1, 2, 3]) await app.request(`/n${n}`, post('/', String(n)));
    expect(received.list().map((d) => d.body)).toEqual(['2', '3']);
    expect(received.total).toBe(3);
  });

  it('with signing secrets, verifies deliveries with @mq/receiver and records refusals', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const { app, received } = createSampleApp({ signingSecrets: [secret] });
    const body = '{"a":1}';
    const now = new Date();
    const headers = {
      'ce-specversion': '1.0', 'ce-id': 'm1', 'ce-type': 'order.created', 'ce-source': '/topics/orders', 'x-delivery-attempt': '2',
      'webhook-id': 'm1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('m1', now, body),
    };
    expect((await app.request('/orders', post('/orders', body, headers))).status).toBe(200);
    const forged = await app.request('/orders', post('/orders', body, { ...headers, 'webhook-signature': 'v1,AAAA' }));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const [verified, refused] = received.list();
    expect(verified).toMatchObject({ body, status: 200, event: { id: 'm1', type: 'order.created', source: '/topics/orders', attempt: 2 } });
    expect(refused).toMatchObject({ status: 401, refused: 'SIGNATURE_INVALID' });
    expect(refused).not.toHaveProperty('event');
  });
});
