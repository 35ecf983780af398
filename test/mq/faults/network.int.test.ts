// The network path to the broker is cut, or goes silent (half-open), through a TCP proxy in
// front of the shared broker: the broker itself is never touched.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState, MqClient } from '@mq/mq';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts';
import { AMQP_URL, createClient, deleteTopology, rawConnection, simpleTopology } from '../helpers/broker.ts';
import { confirmedAtLeast, Ledger, publishStream } from './harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ client: MqClient; proxy: TcpProxy; topology: ReturnType<typeof simpleTopology>; states: ConnectionState[] }> {
  const proxy = await startTcpProxy({ targetPort: Number(new URL(AMQP_URL).port || 5672) });
  cleanups.push(() => proxy.close());
  const client = createClient({ urls: [proxy.rewrite(AMQP_URL)], heartbeatSeconds: 1 });
  const topology = simpleTopology();
  cleanups.push(async () => {
    await client.close();
    const raw = rawConnection();
    await deleteTopology(raw, topology);
    await raw.close();
  });
  await client.declare(topology);
  const states: ConnectionState[] = [];
  client.on('state', (state) => states.push(state));
  return { client, proxy, topology, states };
}

describe('network faults through a TCP proxy', () => {
  it('reconnects after the network is cut and refused for a while', async () => {
    const { client, proxy, topology, states } = await setup();
    const ledger = new Ledger();
    client.createConsumer({ queue: topology.queue, prefetch: 10, concurrency: 4 }, (m) => Promise.resolve(ledger.onHandled(m)));
    const publisher = client.createPublisher({ connectWaitMs: 500, confirmTimeoutMs: 2000 });
    const stream = publishStream({ publisher, exchange: topology.exchange, ledger, total: 100 });
    await confirmedAtLeast(ledger, 40);
    const refusing = proxy.refuse(); // stops listening; resolves once the open connections are gone
    proxy.cut();
    await refusing;
    await expect.poll(() => client.state, { timeout: 10_000 }).toBe('connecting');
    const confirmedWhileDown = ledger.confirmed.size;
    await expect.poll(() => ledger.publishErrors.get('NOT_CONNECTED') ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(ledger.confirmed.size).toBe(confirmedWhileDown);
    await proxy.restore();
    await stream;
    await ledger.expectAllHandled('network-cut');
    expect(states[0]).toBe('connecting');
    await expect.poll(() => client.state, { timeout: 15_000 }).toBe('ready');
  });

  it('finds a half-open connection by heartbeats and recovers when the path comes back', async () => {
    const { client, proxy, topology } = await setup();
    const ledger = new Ledger();
    client.createConsumer({ queue: topology.queue, prefetch: 10, concurrency: 4 }, (m) => Promise.resolve(ledger.onHandled(m)));
    const publisher = client.createPublisher({ connectWaitMs: 500, confirmTimeoutMs: 1000 });
    const stream = publishStream({ publisher, exchange: topology.exchange, ledger, total: 80 });
    await confirmedAtLeast(ledger, 30);
    proxy.blackhole();
    const silentSince = performance.now();
    await expect.poll(() => client.state, { timeout: 15_000 }).toBe('connecting');
    const detectedAfterMs = Math.round(performance.now() - silentSince);
    console.info(`[fault:half-open] detected after ${detectedAfterMs} ms with 1 s heartbeats`);
    expect(detectedAfterMs).toBeLessThan(8000);
    await proxy.restore();
    await stream;
    await ledger.expectAllHandled('half-open');
    await expect.poll(() => client.state, { timeout: 15_000 }).toBe('ready');
  });

  it('re-declares the topology after a reconnect', async () => {
    const { client, proxy, topology, states } = await setup();
    const raw = rawConnection();
    await raw.queueDelete({ queue: `${topology.queue}.dlq` });
    await raw.close();
    await expect(client.queueStats(`${topology.queue}.dlq`)).rejects.toMatchObject({ code: 'TOPOLOGY_MISMATCH' });
    proxy.cut();
    await expect.poll(() => states, { timeout: 10_000 }).toEqual(['connecting', 'ready']);
    await expect(client.queueStats(`${topology.queue}.dlq`)).resolves.toMatchObject({ messageCount: 0 });
  });
});
