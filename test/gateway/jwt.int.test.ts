// JWT bearer tokens end to end: the built gateway and consumer, a test identity provider serving
// its JWKS over HTTP, the real broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { startTestIdp, type TestIdp } from '@mq/auth/testing';
import { startApp, stopAllApps } from '../helpers/processes.ts';
import { createSink, publish, rawConnection, uniqueName, type Sink } from './broker.ts';

describe('JWTs from an identity provider (jwksUrl)', () => {
  let idp: TestIdp;
  let conn: Connection;
  let sink: Sink;
  const exchange = uniqueName('jwt');
  const config = () => ({
    topics: { orders: { exchange, routingKey: 'o' } },
    auth: { jwt: { issuer: idp.issuer, audience: idp.audience, jwksUrl: idp.jwksUrl, algorithms: ['ES256'] } },
  });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    idp = await startTestIdp();
    conn = rawConnection();
    sink = await createSink(conn, exchange);
  });
  afterAll(async () => {
    await stopAllApps();
    await sink.dispose();
    await conn.close();
    await idp.close();
  });

  it('the gateway publishes for a valid JWT and refuses an expired one with 401, publishing nothing', async () => {
    const gateway = await startApp('gateway', { config: config(), env: { HOST: '127.0.0.1' } });
    expect(gateway.output()).toContain('"auth":"jwt"');
    const good = await publish(gateway.url, 'orders', '{"n":1}', bearer(await idp.sign({ claims: { mq_publish: ['orders'] } })));
    expect(good.status).toBe(202);
    expect((await sink.drain()).map((m) => m.messageId)).toEqual([good.json.id]);
    const expired = await publish(gateway.url, 'orders', '{}', bearer(await idp.sign({ claims: { exp: Math.floor(Date.now() / 1000) - 60, mq_publish: ['orders'] } })));
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ code: 'INVALID_TOKEN', detail: 'the token has expired' });

    expect(await sink.count()).toBe(0);
  });

  it('a fresh gateway whose JWKS is unreachable answers 503 AUTH_UNAVAILABLE with Retry-After, not 401', async () => {
    idp.available = false;
    try {
      const gateway = await startApp('gateway', { config: config() });
      const res = await publish(gateway.url, 'orders', '{}', bearer(await idp.sign({ claims: { mq_publish: ['orders'] } })));
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ code: 'AUTH_UNAVAILABLE' });
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await sink.count()).toBe(0);
    } finally {
      idp.available = true;
    }
  });

  it("the consumer's admin API accepts a JWT with the admin scope and forbids one without", async () => {
    const consumer = await startApp('consumer', { config: config() });
    const get = async (scopes: string[]) => {
      const res = await fetch(`${consumer.url}/v1/subscriptions`, { headers: bearer(await idp.sign({ claims: { sub: 'ops', mq_publish: scopes } })) });
      await res.body?.cancel();
      return res.status;
    };
    expect(await get(['admin'])).toBe(200);
    expect(await get(['orders'])).toBe(403);
    expect((await fetch(`${consumer.url}/v1/subscriptions`)).status).toBe(401);
  });
});
