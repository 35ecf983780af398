import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { startRabbitNode, type RabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { answersAmqp } from '../../scripts/lib/free-port.ts';
import { isAlive } from '../../scripts/lib/rabbit-reaper.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

// One private node for the whole file: booting one costs ~5 s of a shared 2-core machine.
describe('private RabbitMQ node', () => {
  let node: RabbitNode;
  beforeAll(async () => {
    node = await startRabbitNode({ management: true });
  });
  afterAll(async () => {
    await node?.dispose();
  });

  async function withConnection<T>(url: string, use: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = new Connection({ url, retryLow: 50, retryHigh: 200 });
    // A cut connection reports an error before it reconnects; that is the point of the test.
    connection.on('error', () => undefined);
    try {
      return await use(connection);
    } finally {
      await connection.close();
    }
  }

  it('is its own node on its own ports, never the shared one', async () => {
    expect(node.name).toMatch(/^t[0-9a-f]{8}@localhost$/);
    expect(node.port).not.toBe(5672);
    expect(await node.ctl(['eval', 'node().'])).toContain(node.name);
    const response = await fetch(new URL('/api/overview', node.managementUrl).toString().replace('guest:guest@', ''), {
      headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { node: string }).node).toBe(node.name);
  });

  it('keeps durable queues and persistent messages across restart and kill', async () => {
    const queue = `t.${randomUUID()}`;
    await withConnection(node.url, async (connection) => {
      await connection.queueDeclare({ queue, durable: true, arguments: { 'x-queue-type': 'quorum' } });
      const publisher = connection.createPublisher({ confirm: true });
      await publisher.send({ routingKey: queue, durable: true }, 'survives');
      await publisher.close();
    });
    await node.restart();
    const beamPid = (): number => Number(readFileSync(join(node.dir, 'rabbit.pid'), 'utf8'));
    const killed = beamPid();
    await node.kill();
    expect(isAlive(killed)).toBe(false);
    await node.start();
    expect(beamPid()).not.toBe(killed);
    const depth = await withConnection(node.url, async (connection) => (await connection.queueDeclare({ queue, passive: true })).messageCount);
    expect(depth).toBe(1);
  });

  it('a client through the tcp proxy reconnects after a cut', async () => {
    await using proxy = await startTcpProxy({ targetPort: node.port });
    await withConnection(proxy.rewrite(node.url), async (connection) => {
      let connects = 0;
      connection.on('connection', () => connects++);
      await expect.poll(() => connects).toBe(1);
      proxy.cut();
      await expect.poll(() => connects, { timeout: 20_000 }).toBe(2);
      expect(connection.ready).toBe(true);
    });
  });

  // Last, on the shared node of this file: afterAll's dispose() is then a no-op (safe twice).
  it('dispose stops the node and deletes its directory', async () => {
    expect(existsSync(node.dir)).toBe(true);
    await node.dispose();
    expect(existsSync(node.dir)).toBe(false);
    expect(await answersAmqp(node.port)).toBe(false);
  });
});
