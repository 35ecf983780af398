// Faults on a PRIVATE RabbitMQ node that this file starts and stops; the shared broker is never
// touched. Each request must get a true answer in bounded time: a 202 whose message the broker
// really holds, or an error status; never a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { startRabbitNode, type RabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { createSink, publish, rawConnection, uniqueName, type Sink } from './broker.ts';

const REQUEST_TIMEOUT_MS = 20_000; // far above the gateway's own bound (connectWait + confirm + 1 s)

interface Outcome {
  status: number;
  id?: string;
  code?: string;
  retryAfter: string | null;
}

async function send(gateway: AppProcess, n: number): Promise<Outcome> {
  const res = await publish(gateway.url, 'orders', JSON.stringify({ n }), {}, REQUEST_TIMEOUT_MS);
  return { status: res.status, id: res.json.id as string | undefined, code: res.json.code as string | undefined, retryAfter: res.headers.get('retry-after') };
}

async function residentMemory(gateway: AppProcess): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return Math.round(Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1]) / 2 ** 20);
}

describe('gateway against a failing broker', () => {
  let node: RabbitNode;
  let conn: Connection;
  let sink: Sink;
  let gateway: AppProcess;

  beforeAll(async () => {
    node = await startRabbitNode({ prefix: 'gw' });
    conn = rawConnection(node.url);
    const exchange = uniqueName('orders');
    sink = await createSink(conn, exchange);
    gateway = await startApp('gateway', {
      env: { AMQP_URL: node.url },
      config: { topics: { orders: { exchange, routingKey: 'order.created' } }, gateway: { confirmTimeoutMs: 2000, connectWaitMs: 1000 } },
    });
  }, 180_000);

  afterAll(async () => {
    await stopAllApps();
    await conn?.close();
    await node?.dispose();
  });

  it('gives every in-flight request a true 202 or a 503 while the broker stops and comes back', async () => {
    const outcomes: Outcome[] = [];
    let stopped = false;
    let n = 0;
    // Four clients publish in a loop until the broker has been down for a while and is back.
    const clients = Array.from({ length: 4 }, async () => {
      while (!stopped || outcomes.filter((o) => o.status === 503).length < 8) {
        outcomes.push(await send(gateway, n++));
        if (outcomes.length > 2000) break;
      }
    });
    await expect.poll(() => outcomes.filter((o) => o.status === 202).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
    await node.stop();
    stopped = true;
    await Promise.all(clients);
    await node.start();
    await expect.poll(async () => (await send(gateway, -1)).status, { timeout: 60_000, interval: 500 }).toBe(202);

    expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set([202, 503]));
    for (const failure of outcomes.filter((o) => o.status === 503)) {
      expect(['NOT_CONNECTED', 'PUBLISH_TIMEOUT', 'CLOSED']).toContain(failure.code);
      expect(Number(failure.retryAfter)).toBeGreaterThan(0);
    }
    const stored = new Set((await sink.drain()).map((m) => m.messageId));
    const acknowledged = outcomes.filter((o) => o.status === 202).map((o) => o.id);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  }, 180_000);

  it('answers 503 BLOCKED with Retry-After under a memory alarm, and 202 again once it clears', async () => {
    await expect.poll(async () => (await fetch(`${gateway.url}/readyz`)).status, { timeout: 60_000 }).toBe(200);
    await node.ctl(['set_vm_memory_high_watermark', 'absolute', '1MB']);
    try {
      // The broker blocks a connection when it next publishes: the first answer may be a
      // PUBLISH_TIMEOUT, after that the gateway knows and refuses at once.
      const outcomes: Outcome[] = [];
      await expect
        .poll(async () => {
          const outcome = await send(gateway, 0);
          outcomes.push(outcome);
          return outcome.code;
        }, { timeout: 30_000 })
        .toBe('BLOCKED');
      expect(outcomes.every((o) => o.status === 503 && Number(o.retryAfter) > 0)).toBe(true);
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
      // A flood while blocked is refused before any body is read or publish queued: every
      // request gets BLOCKED, nothing waits in the gateway, memory does not grow with the flood.
      const rssBefore = await residentMemory(gateway);
      const big = 'x'.repeat(64 * 1024);
      const flood = await Promise.all(Array.from({ length: 300 }, () => publish(gateway.url, 'orders', big, { 'content-type': 'text/plain' }, REQUEST_TIMEOUT_MS)));
      expect(new Set(flood.map((r) => `${r.status} ${String(r.json.code)}`))).toEqual(new Set(['503 BLOCKED']));
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toContain('mq_in_flight_operations{messaging_operation_name="publish"} 0');
      expect(metrics).toContain('mq_connection_state{state="blocked"} 1');
      console.info(`RSS during a 300 x 64 KiB flood while blocked: ${rssBefore} -> ${await residentMemory(gateway)} MiB`);
    } finally {
      await node.ctl(['set_vm_memory_high_watermark', '0.4']);
    }
    await expect.poll(async () => (await send(gateway, 2)).status, { timeout: 30_000, interval: 500 }).toBe(202);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  }, 120_000);
});
