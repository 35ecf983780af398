// Faults that need control of the broker itself, on one private node: connections force-closed
// from the broker side, and a memory alarm.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MqError, type ConnectionState, type MqClient } from '@mq/mq';
import { startRabbitNode, type RabbitNode } from '../../../scripts/lib/rabbit-node.ts';
import { createClient, simpleTopology } from '../helpers/broker.ts';
import { confirmedAtLeast, Ledger, publishStream } from './harness.ts';

let node: RabbitNode;
const clients: MqClient[] = [];
beforeAll(async () => {
  node = await startRabbitNode({ prefix: 'mqfault' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await node?.dispose();
});

function nodeClient(): MqClient {
  const client = createClient({ urls: [node.url], heartbeatSeconds: 2 });
  clients.push(client);
  return client;
}

describe('faults on a private broker node', () => {
  it('survives connections force-closed by the broker (twice, mid-stream)', async () => {
    const client = nodeClient();
    const topology = simpleTopology();
    await client.declare(topology);
    const states: ConnectionState[] = [];
    client.on('state', (state) => states.push(state));
    const ledger = new Ledger();
    client.createConsumer({ queue: topology.queue, prefetch: 10, concurrency: 4 }, (m) => Promise.resolve(ledger.onHandled(m)));
    const publisher = client.createPublisher({ connectWaitMs: 500, confirmTimeoutMs: 2000 });
    const stream = publishStream({ publisher, exchange: topology.exchange, ledger, total: 120 });
    await confirmedAtLeast(ledger, 40);
    await node.ctl(['close_all_connections', 'fault test']);
    await confirmedAtLeast(ledger, 80);
    await expect.poll(() => client.state, { timeout: 10_000 }).toBe('ready'); // both connections back
    await node.ctl(['close_all_connections', 'fault test']);
    await stream;
    await ledger.expectAllHandled('force-close');
    expect(states.filter((s) => s === 'connecting').length).toBeGreaterThanOrEqual(2); // each of its two connections may report on its own
    await expect.poll(() => client.state, { timeout: 10_000 }).toBe('ready');
  });

  it('fails publishes fast with BLOCKED during a memory alarm, keeps consuming, and resumes after it clears', async () => {
    const client = nodeClient();
    const topology = simpleTopology();
    await client.declare(topology);
    const ledger = new Ledger();
    const publisher = client.createPublisher({ confirmTimeoutMs: 2000 });
    await publishStream({ publisher, exchange: topology.exchange, ledger, total: 5, prefix: 'before' });

    await node.ctl(['set_vm_memory_high_watermark', '0.0000001']);
    try {
      // The alarm is raised when the broker's memory monitor next runs; probes sent before that are
      // confirmed like any message. The broker then blocks a connection (and says so) when it next
      // publishes: that first refused publish can only time out, its fate unknown; from the
      // connection.blocked on, publishes fail at once.
      const probe = await vi.waitFor(
        async () => {
          const outcome = await publisher.publish({ exchange: topology.exchange, routingKey: 'x', body: 'probe', messageId: 'probe' }).catch((e: unknown) => e);
          expect(outcome).toBeInstanceOf(MqError);
          return outcome;
        },
        { timeout: 20_000, interval: 100 },
      );
      expect(['BLOCKED', 'PUBLISH_TIMEOUT']).toContain((probe as MqError).code);
      await expect.poll(() => client.state, { timeout: 15_000 }).toBe('blocked');
      const started = performance.now();
      const error = await publisher.publish({ exchange: topology.exchange, routingKey: 'x', body: 'refused' }).catch((e: unknown) => e);
      expect((error as MqError).code).toBe('BLOCKED');
      expect(performance.now() - started).toBeLessThan(250);
      // Consumers have a connection of their own: they take and ack messages during the alarm.
      client.createConsumer({ queue: topology.queue }, (m) => Promise.resolve(ledger.onHandled(m)));
      await ledger.expectAllHandled('memory-alarm-during');
      await expect.poll(() => client.queueStats(topology.queue), { timeout: 10_000 }).toMatchObject({ messageCount: 0 });
    } finally {
      await node.ctl(['set_vm_memory_high_watermark', '0.4']);
    }

    await expect.poll(() => client.state, { timeout: 15_000 }).toBe('ready');
    await publishStream({ publisher, exchange: topology.exchange, ledger, total: 5, prefix: 'after' });
    await ledger.expectAllHandled('memory-alarm');
    expect([...ledger.handled.keys()].filter((id) => id !== 'probe')).toHaveLength(10);
  });
});
