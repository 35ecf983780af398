import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { once } from 'node:events';
import { Connection } from 'rabbitmq-client';
import { startTcpProxy } from './tcp-proxy.ts';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

// The proxy faults the path to the shared broker, never the broker itself.
describe('tcp proxy in front of RabbitMQ', () => {
  it('blackhole: the client misses heartbeats and drops the connection; after restore it reconnects', async () => {
    await using proxy = await startTcpProxy({ targetPort: Number(new URL(AMQP_URL).port || 5672) });
    const connection = new Connection({ url: proxy.rewrite(AMQP_URL), heartbeat: 2, retryLow: 100, retryHigh: 500, connectionTimeout: 2000 });
    const errors: string[] = [];
    connection.on('error', (error: Error & { code?: string }) => errors.push(String(error.code ?? error.message)));
    let connects = 0;
    connection.on('connection', () => connects++);
    try {
      await expect.poll(() => connects).toBe(1);
      proxy.blackhole();
      // Nothing is closed by the proxy: only missing heartbeats can tell the client.
      await expect.poll(() => connection.ready, { timeout: 20_000 }).toBe(false);
      expect(errors.length).toBeGreaterThan(0);
      await proxy.restore();
      await expect.poll(() => connection.ready, { timeout: 20_000 }).toBe(true);
      expect(connects).toBeGreaterThanOrEqual(2);
    } finally {
      await connection.close();
    }
  });

  it('refuse: reconnects fail until restore, then succeed', async () => {
    await using proxy = await startTcpProxy({ targetPort: Number(new URL(AMQP_URL).port || 5672) });
    const connection = new Connection({ url: proxy.rewrite(AMQP_URL), retryLow: 100, retryHigh: 300 });
    connection.on('error', () => undefined);
    try {
      await expect.poll(() => connection.ready).toBe(true);
      await proxy.refuse();
      proxy.cut();
      await expect.poll(() => connection.ready).toBe(false);
      // The client retries quietly; what it meets is a refused port.
      const probe = connect({ port: proxy.port, host: '127.0.0.1' });
      const [error] = (await once(probe, 'error')) as [NodeJS.ErrnoException];
      expect(error.code).toBe('ECONNREFUSED');
      expect(connection.ready).toBe(false);
      await proxy.restore();
      await expect.poll(() => connection.ready, { timeout: 20_000 }).toBe(true);
    } finally {
      await connection.close();
    }
  });
});
