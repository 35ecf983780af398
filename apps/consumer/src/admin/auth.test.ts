import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from '@mq/auth';
import { startTestIdp, type TestIdp } from '@mq/auth/testing';
import { adminAuth } from './auth.js';

let idp: TestIdp;
beforeAll(async () => (idp = await startTestIdp()));
afterAll(() => idp.close());

function appWith(jwksUrl: string) {
  const jwt = createJwtVerifier({ issuer: idp.issuer, audience: idp.audience, jwksUrl });
  const app = new Hono();
  app.use('/v1/*', adminAuth({ kind: 'tokens', secrets: new Map([['s3cret', { name: 'ops', admin: true }]]), jwt }, () => '10.0.0.9'));
  app.get('/v1/subscriptions', (c) => c.json({ ok: true }));
  return (token: string) => app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${token}` } });
}

describe('admin API with JWTs', () => {
  it('allows a JWT with the admin scope, forbids one without, refuses a bad one, keeps static tokens', async () => {
    const get = appWith(idp.jwksUrl);
    expect((await get(await idp.sign({ claims: { mq_publish: ['orders', 'admin'] } }))).status).toBe(200);
    const plain = await get(await idp.sign({ claims: { sub: 'team-a', mq_publish: ['orders'] } }));
    expect(plain.status).toBe(403);
    expect(await plain.json()).toMatchObject({ code: 'FORBIDDEN', detail: 'subject "team-a" has no admin rights' });
    const expired = await get(await idp.sign({ claims: { exp: Math.floor(Date.now() / 1000) - 120, mq_publish: ['admin'] } }));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get(await idp.sign({ foreignKey: true, claims: { mq_publish: ['admin'] } }))).status).toBe(401);
    expect((await get('s3cret')).status).toBe(200);
  });

  it('answers 503 AUTH_UNAVAILABLE with Retry-After while the JWKS cannot be fetched', async () => {
    const down = await startTestIdp();
    down.available = false;
    try {
      const app = new Hono();
      const jwt = createJwtVerifier({ issuer: down.issuer, audience: down.audience, jwksUrl: down.jwksUrl });
      app.use('/v1/*', adminAuth({ kind: 'tokens', secrets: new Map(), jwt }, () => '10.0.0.9'));
      app.get('/v1/x', (c) => c.text('ok'));
      const res = await app.request('/v1/x', { headers: { authorization: `Bearer ${await down.sign({ claims: { mq_publish: ['admin'] } })}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ code: 'AUTH_UNAVAILABLE' });
    } finally {
      await down.close();
    }
  });
});
