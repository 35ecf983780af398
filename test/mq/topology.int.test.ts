import { describe, expect, it } from 'vitest';
import { MqError } from '@mq/mq';
import { simpleTopology, useBroker } from './helpers/broker.ts';

const { raw, client, declared, track } = useBroker();

describe('topology', () => {
  it('declares the work queue (quorum), its retry delay queues and its dead-letter queue', async () => {
    const topology = await declared();
    const q = topology.queue;
    // fastRetry: 200, 400 (attempts 1 and 2) and maxDelayMs 800
    for (const name of [q, `${q}.retry.200`, `${q}.retry.400`, `${q}.retry.800`, `${q}.dlq`]) {
      await expect(client.queueStats(name)).resolves.toEqual({ messageCount: 0, consumerCount: 0 });
    }
    // a quorum queue refuses a classic redeclaration
    const clash = await raw.queueDeclare({ queue: q, durable: true, arguments: { 'x-queue-type': 'classic' } }).catch((e: unknown) => e);
    expect(String(clash)).toMatch(/PRECONDITION_FAILED/);
  });

  it('names the queue and the mismatch when the broker already has it with other arguments', async () => {
    const topology = track(simpleTopology());
    await raw.queueDeclare({ queue: topology.queue, durable: true, arguments: { 'x-queue-type': 'classic' } });
    const error = await client.declare(topology).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MqError);
    expect((error as MqError).code).toBe('TOPOLOGY_MISMATCH');
    expect((error as MqError).message).toContain(`queue "${topology.queue}"`);
    expect((error as MqError).message).toMatch(/PRECONDITION_FAILED - inequivalent arg 'x-[a-z-]+'/);
  });

  it('queueStats of a missing queue is TOPOLOGY_MISMATCH', async () => {
    const error = await client.queueStats('t.missing.' + Date.now()).catch((e: unknown) => e);
    expect((error as MqError).code).toBe('TOPOLOGY_MISMATCH');
  });
});
