import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mq/config';
import { TokenBucket } from './rate-limit.js';
import { createAuthenticator } from './auth.js';
import { createHarness } from './test-fixtures.js';

const config = `
topics:
  orders: {exchange: orders, routingKey: o}
  events: {exchange: events, routingKey: e}
auth:
  tokens:
    - {name: checkout, env: CHECKOUT_TOKEN, publish: [orders], rateLimit: 1}
    - {name: ops, env: OPS_TOKEN, publish: [orders, events]}
`;
const env = { CHECKOUT_TOKEN: 'checkout-secret', OPS_TOKEN: 'ops-secret' };
const post = (token?: string): RequestInit => ({ method: 'POST', body: 'x', headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('bearer tokens', () => {
  it('answers 401 without a token, and with a wrong or malformed one', async () => {
    const h = createHarness(config, env);
    for (const [init, code] of [[post(), 'MISSING_TOKEN'], [post('wrong'), 'INVALID_TOKEN'], [{ method: 'POST', body: 'x', headers: { authorization: 'Basic abc' } }, 'MISSING_TOKEN']] as const) {
      const res = await h.request('/v1/topics/orders/messages', init);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toMatchObject({ code });
    }
    expect(h.publisher.published).toHaveLength(0);
  });

  it('authenticates before revealing whether a topic exists', async () => {
    const h = createHarness(config, env);
    expect((await h.request('/v1/topics/secret/messages', post())).status).toBe(401);
    expect((await h.request('/v1/topics/secret/messages', post('ops-secret'))).status).toBe(404);
  });

  it('answers 403 for a topic outside the token scope and 202 inside it', async () => {
    const h = createHarness(config, env);
    const res = await h.request('/v1/topics/events/messages', post('checkout-secret'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'TOPIC_FORBIDDEN' });
    expect((await h.request('/v1/topics/events/messages', post('ops-secret'))).status).toBe(202);
    expect(h.publisher.published).toHaveLength(1);
  });

  it('accepts tokens from any address', async () => {
    const h = createHarness(config, env);
    expect((await h.request('/v1/topics/orders/messages', post('ops-secret'), '203.0.113.9')).status).toBe(202);
  });

  it('rate limits per token with 429 and Retry-After (burst of twice the rate)', async () => {
    const h = createHarness(config, env);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.request('/v1/topics/orders/messages', post('checkout-secret'))).status);
    expect(statuses).toEqual([202, 202, 429]);
    const res = await h.request('/v1/topics/orders/messages', post('checkout-secret'));
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await h.request('/v1/topics/orders/messages', post('ops-secret'))).status).toBe(202);
  });

  it('refuses to boot when a token secret is not in the environment', () => {
    expect(() => createAuthenticator([{ name: 'x', env: 'NOPE_TOKEN', publish: [], admin: false }], {})).toThrow(ConfigError);
  });
});

describe('without tokens', () => {
  it('serves loopback clients only', async () => {
    const h = createHarness(config.replace(/auth:[\s\S]*/, ''));
    expect(h.deps.auth.mode).toBe('loopback');
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect((await h.request('/v1/topics/orders/messages', post(), address)).status).toBe(202);
    }
    const res = await h.request('/v1/topics/orders/messages', post(), '10.1.2.3');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'LOOPBACK_ONLY' });
  });
});

describe('TokenBucket', () => {
  it('refills at its rate up to its burst', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 4, () => now);
    expect([1, 2, 3, 4, 5].map(() => bucket.take())).toEqual([0, 0, 0, 0, 1]);
    now = 500;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(1);
    now = 100_000;
    expect([1, 2, 3, 4, 5].map(() => bucket.take())).toEqual([0, 0, 0, 0, 1]);
  });
});
