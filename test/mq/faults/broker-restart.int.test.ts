import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState, MqClient } from '@mq/mq';
import { startRabbitNode, type RabbitNode } from '../../../scripts/lib/rabbit-node.ts';
import { createClient, simpleTopology } from '../helpers/broker.ts';
import { confirmedAtLeast, crashNode, Ledger, publishStream } from './harness.ts';

let node: RabbitNode;
let client: MqClient;
beforeAll(async () => {
  node = await startRabbitNode({ prefix: 'mqrestart' });
  client = createClient({ urls: [node.url], heartbeatSeconds: 2 });
});
afterAll(async () => {
  await client?.close();
  await node?.dispose();
});

describe('broker stopped and restarted mid-stream, three times', () => {
  it('handles every confirmed message at least once and resumes consuming by itself', async () => {
    const topology = simpleTopology();
    await client.declare(topology);
    const states: ConnectionState[] = [];
    client.on('state', (state) => states.push(state));
    const ledger = new Ledger();
    client.createConsumer({ queue: topology.queue, prefetch: 10, concurrency: 4 }, async (m) => {
      ledger.onHandled(m);
      await new Promise((r) => setImmediate(r));
    });
    const publisher = client.createPublisher({ connectWaitMs: 500, confirmTimeoutMs: 2000 });
    const stream = publishStream({ publisher, exchange: topology.exchange, ledger, total: 160 });

    // Two application restarts (listeners closed, queues stopped) and one crash of the whole VM.
    await confirmedAtLeast(ledger, 40);
    await node.ctl(['stop_app']);
    await node.ctl(['start_app']);
    await confirmedAtLeast(ledger, 80);
    await expect.poll(() => client.state, { timeout: 15_000 }).toBe('ready'); // both connections back
    await node.ctl(['stop_app']);
    await node.ctl(['start_app']);
    await confirmedAtLeast(ledger, 120);
    await expect.poll(() => client.state, { timeout: 15_000 }).toBe('ready');
    await crashNode(node);
    await node.start();

    await stream;
    await ledger.expectAllHandled('broker-restart');
    expect(states.filter((s) => s === 'connecting').length).toBeGreaterThanOrEqual(3); // each of its two connections may report on its own
    await expect.poll(() => client.state, { timeout: 15_000 }).toBe('ready');
  });
});
