import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from '@mq/auth';
import { startTestIdp, unsignedToken, type TestIdp } from '@mq/auth/testing';
import { ConfigError, parseConfig } from '@mq/config';
import { loadJwtAuth } from './jwt-auth.js';
import { createHarness } from './test-fixtures.js';

const topics = `
topics:
  orders: {exchange: orders, routingKey: o}
  events: {exchange: events, routingKey: e}
`;
const withStatic = `${topics}auth:\n  tokens:\n    - {name: checkout, env: CHECKOUT_TOKEN, publish: [orders]}\n`;
const post = (token: string): RequestInit => ({ method: 'POST', body: 'x', headers: { authorization: `Bearer ${token}` } });

let idp: TestIdp;
beforeAll(async () => (idp = await startTestIdp()));
afterAll(() => idp.close());

const jwtAuth = (rateLimit?: number) => ({
  verifier: createJwtVerifier({ issuer: idp.issuer, audience: idp.audience, jwksUrl: idp.jwksUrl, algorithms: ['ES256'] }),
  rateLimit,
});

describe('JWT bearer tokens at the gateway', () => {
  it('publishes with a JWT naming the topic, 403 for a topic it does not name, from any address', async () => {
    const h = createHarness(topics, {}, jwtAuth());
    expect(h.deps.auth.mode).toBe('jwt');
    const token = await idp.sign({ claims: { sub: 'team-a', mq_publish: ['orders'] } });
    expect((await h.request('/v1/topics/orders/messages', post(token), '203.0.113.9')).status).toBe(202);
    const forbidden = await h.request('/v1/topics/events/messages', post(token), '203.0.113.9');
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'TOPIC_FORBIDDEN', detail: 'subject "team-a" may not publish to topic "events"' });
    expect(h.publisher.published).toHaveLength(1);
  });

  it('answers 401 INVALID_TOKEN with the reason for a bad JWT, and publishes nothing', async () => {
    const h = createHarness(topics, {}, jwtAuth());
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, RegExp][] = [
      [await idp.sign({ claims: { exp: now - 120, mq_publish: ['orders'] } }), /expired/],
      [await idp.sign({ claims: { aud: 'other', mq_publish: ['orders'] } }), /"aud"/],
      [unsignedToken({ iss: idp.issuer, aud: idp.audience, sub: 'x', exp: now + 60, mq_publish: ['orders'] }), /algorithm|not a valid/],
      ['not-a-jwt-nor-a-token', /not valid/],
    ];
    for (const [token, reason] of cases) {
      const res = await h.request('/v1/topics/orders/messages', post(token));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = await res.json();
      expect(body).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(body.detail).toMatch(reason);
    }
    expect(h.publisher.published).toHaveLength(0);
  });

  it('answers 503 AUTH_UNAVAILABLE with Retry-After when the JWKS cannot be fetched', async () => {
    const down = await startTestIdp();
    try {
      down.available = false;
      const verifier = createJwtVerifier({ issuer: down.issuer, audience: down.audience, jwksUrl: down.jwksUrl });
      const h = createHarness(topics, {}, { verifier });
      const res = await h.request('/v1/topics/orders/messages', post(await down.sign({ claims: { mq_publish: ['orders'] } })));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ code: 'AUTH_UNAVAILABLE' });
      expect(h.publisher.published).toHaveLength(0);
    } finally {
      await down.close();
    }
  });

  it('accepts static tokens and JWTs side by side', async () => {
    const h = createHarness(withStatic, { CHECKOUT_TOKEN: 'checkout-secret' }, jwtAuth());
    expect(h.deps.auth.mode).toBe('tokens+jwt');
    expect((await h.request('/v1/topics/orders/messages', post('checkout-secret'))).status).toBe(202);
    expect((await h.request('/v1/topics/orders/messages', post(await idp.sign({ claims: { mq_publish: ['orders'] } })))).status).toBe(202);
    expect((await h.request('/v1/topics/orders/messages', post('wrong'))).status).toBe(401);
  });

  it('rate limits per subject: a new token of the same subject shares the budget, another subject does not', async () => {
    const h = createHarness(topics, {}, jwtAuth(1));
    const sign = (sub: string) => idp.sign({ claims: { sub, mq_publish: ['orders'], jti: Math.random().toString(36) } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.request('/v1/topics/orders/messages', post(await sign('busy')))).status);
    expect(statuses).toEqual([202, 202, 429]);
    expect((await h.request('/v1/topics/orders/messages', post(await sign('quiet')))).status).toBe(202);
  });
});

describe('loadJwtAuth', () => {
  it('reads publicKeyFile relative to the config and verifies with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwt-key-'));
    writeFileSync(join(dir, 'idp.pem'), idp.publicKeyPem);
    const config = parseConfig(`${topics}auth:\n  jwt: {issuer: "${idp.issuer}", audience: ${idp.audience}, publicKeyFile: idp.pem, algorithms: [ES256]}\n`, join(dir, 'mq.yaml'));
    const auth = loadJwtAuth({ config, configPath: join(dir, 'mq.yaml'), resolvePath: (p) => join(dir, p) });
    await expect(auth!.verifier.verify(await idp.sign({ claims: { mq_publish: ['orders'] } }))).resolves.toMatchObject({ subject: 'team-a' });
  });

  it('a missing or non-PEM key file is a config error naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwt-key-'));
    writeFileSync(join(dir, 'bad.pem'), 'not a key');
    for (const file of ['missing.pem', 'bad.pem']) {
      const config = parseConfig(`${topics}auth:\n  jwt: {issuer: i, audience: a, publicKeyFile: ${file}}\n`, join(dir, 'mq.yaml'));
      expect(() => loadJwtAuth({ config, configPath: join(dir, 'mq.yaml'), resolvePath: (p) => join(dir, p) })).toThrow(ConfigError);
      expect(() => loadJwtAuth({ config, configPath: join(dir, 'mq.yaml'), resolvePath: (p) => join(dir, p) })).toThrow(/auth\.jwt\.publicKeyFile/);
    }
  });
});
