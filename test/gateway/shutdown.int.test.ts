import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { startApp, stopAllApps } from '../helpers/processes.ts';
import { createSink, publish, rawConnection, uniqueName, type Sink } from './broker.ts';

describe('gateway SIGTERM during a load burst', () => {
  let conn: Connection;
  let sink: Sink;
  const exchange = uniqueName('orders');

  beforeAll(async () => {
    conn = rawConnection();
    sink = await createSink(conn, exchange);
  });

  afterAll(async () => {
    await stopAllApps();
    await sink.dispose();
    await conn.close();
  });

  it('turns unready at once, answers in-flight publishes truly, loses no 202 and exits 0', async () => {
    const gateway = await startApp('gateway', { config: { topics: { orders: { exchange, routingKey: 'o' } } }, env: { SHUTDOWN_TIMEOUT_MS: '10000' } });
    const accepted: string[] = [];
    const others: string[] = [];
    let stopping = false;
    let sentAfterSignal = 0;
    const client = async () => {
      for (let i = 0; i < 200; i++) {
        if (stopping) sentAfterSignal += 1;
        try {
          const res = await publish(gateway.url, 'orders', JSON.stringify({ i }), {}, 20_000);
          if (res.status === 202) accepted.push(res.json.id as string);
          else others.push(`${res.status} ${String(res.json.code)}`);
        } catch (err) {
          // Refused or reset after the server closed: no answer, so no promise was made.
          if (!stopping) throw err;
          others.push('no answer');
          return;
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await expect.poll(() => accepted.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(50);
    const signalled = performance.now();
    const exit = gateway.stop('SIGTERM', 15_000);
    stopping = true;
    // The signal is delivered asynchronously; from then on /readyz must answer 503 (not refuse).
    await expect.poll(async () => (await fetch(`${gateway.url}/readyz`)).status, { timeout: 1000, interval: 20 }).toBe(503);
    await Promise.all(clients);
    expect(await exit).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(10_000);
    expect(sentAfterSignal).toBeGreaterThan(0);
    expect(others.every((o) => o === 'no answer' || o === '503 DRAINING')).toBe(true);
    const stored = new Set((await sink.drain()).map((m) => m.messageId));
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]);
    expect(gateway.logs().some((l) => String(l.msg).startsWith('draining'))).toBe(true);
  });
});
