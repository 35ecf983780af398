import { randomUUID } from 'node:crypto';
import { startTestIdp } from '@mq/auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createSink, publish, rawConnection, uniqueName, type Sink } from './broker.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// rateLimit 0.5/s: rate-limiter-flexible's shared window is then 2 s holding one request, and a
// gateway on its own allows a burst of one. So two replicas let 2 through alone, 1 when shared.
describe('rate limits shared across gateway replicas through Redis', () => {
  let conn: Connection;
  let sink: Sink;
  const exchange = uniqueName('rl');
  const secret = `s-${randomUUID()}`;

  const configFor = (tokenName: string) => ({
    topics: { orders: { exchange, routingKey: 'o' } },
    auth: { tokens: [{ name: tokenName, env: 'RL_TOKEN', publish: ['orders'], rateLimit: 0.5 }] },
  });
  const startGateway = (tokenName: string, redisUrl: string) =>
    startApp('gateway', { config: configFor(tokenName), env: { RL_TOKEN: secret, REDIS_URL: redisUrl } });
  const send = (gateway: AppProcess) => publish(gateway.url, 'orders', '{"n":1}', { authorization: `Bearer ${secret}` }, 5000);

  beforeAll(async () => {
    conn = rawConnection();
    sink = await createSink(conn, exchange);
  });
  afterEach(() => stopAllApps());
  afterAll(async () => {
    await sink.dispose();
    await conn.close();
  });

  it('two gateways on one Redis hold one limit between them', async () => {
    // A token name of its own: its Redis key is this test's alone.
    const name = `t-${randomUUID()}`;
    const [a, b] = await Promise.all([startGateway(name, REDIS_URL), startGateway(name, REDIS_URL)]);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await send(i % 2 === 0 ? a : b));
    expect(answers.map((r) => r.status).sort()).toEqual([202, 429, 429, 429, 429, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.json).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await sink.count()).toBe(1);
    await sink.drain();
    for (const gateway of [a, b]) expect(gateway.output()).toContain('rate limits are shared across replicas');
  });

  it('a JWT subject shares one limit across replicas, whichever of its tokens it sends', async () => {
    const idp = await startTestIdp();
    try {
      const jwtConfig = {
        topics: { orders: { exchange, routingKey: 'o' } },
        auth: { jwt: { issuer: idp.issuer, audience: idp.audience, publicKeyFile: 'idp.pem', algorithms: ['ES256'], rateLimit: 0.5 } },
      };
      const start = () => startApp('gateway', { config: jwtConfig, files: { 'idp.pem': idp.publicKeyPem }, env: { REDIS_URL } });
      const [a, b] = await Promise.all([start(), start()]);
      const sub = `sub-${randomUUID()}`;
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const token = await idp.sign({ claims: { sub, jti: randomUUID(), mq_publish: ['orders'] } });
        statuses.push((await publish((i % 2 === 0 ? a : b).url, 'orders', '{"n":2}', { authorization: `Bearer ${token}` }, 5000)).status);
      }
      expect(statuses.sort()).toEqual([202, 429, 429, 429]);
      const other = await idp.sign({ claims: { sub: `sub-${randomUUID()}`, mq_publish: ['orders'] } });
      expect((await publish(b.url, 'orders', '{"n":3}', { authorization: `Bearer ${other}` }, 5000)).status).toBe(202);
      await sink.drain();
    } finally {
      await idp.close();
    }
  });

  describe('with Redis out of reach', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy({ targetPort: Number(new URL(REDIS_URL).port || 6379), targetHost: new URL(REDIS_URL).hostname });
    });
    afterAll(() => proxy.close());

    it('falls back to per-process limits (202/429, never 5xx), logs it and counts it, then shares again', async () => {
      const name = `t-${randomUUID()}`;
      const gateway = await startGateway(name, proxy.rewrite(REDIS_URL));
      expect((await send(gateway)).status).toBe(202);
      expect((await send(gateway)).status).toBe(429);

      await proxy.refuse();
      proxy.cut();
      const during = [];
      for (let i = 0; i < 4; i++) during.push((await send(gateway)).status);
      expect(during.every((s) => s === 202 || s === 429)).toBe(true);
      await expect.poll(() => gateway.output()).toContain('falling back to per-process limits');
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(Number(/^mq_rate_limit_fallback_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);

      // A blackholed Redis (a partition) costs at most the command timeout, never a hung request.
      await proxy.restore();
      proxy.blackhole();
      const started = performance.now();
      expect([202, 429]).toContain((await send(gateway)).status);
      expect(performance.now() - started).toBeLessThan(2000);

      await proxy.restore();
      proxy.cut();
      await expect.poll(async () => {
        await send(gateway);
        return gateway.output();
      }, { timeout: 20_000, interval: 300 }).toContain('limits are shared again');
    });
  });
});
