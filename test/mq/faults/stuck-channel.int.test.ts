// A channel whose confirms never come while its connection stays healthy. RabbitMQ can leave a
// channel like that when the node leading a quorum queue goes away (the failover deploy test met
// it: the gateway was connected to a survivor yet confirmed nothing for a minute). Here the
// broker's channel processes are suspended (`sys:suspend`) to make that state on demand. Its
// sibling, a channel that nacks everything, is stood in for by a full queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqError, type MqClient } from '@mq/mq';
import { startRabbitNode, type RabbitNode } from '../../../scripts/lib/rabbit-node.ts';
import { createClient, rawConnection, simpleTopology } from '../helpers/broker.ts';

let node: RabbitNode;
const clients: MqClient[] = [];
beforeAll(async () => {
  node = await startRabbitNode({ prefix: 'mqstuck' });
}, 120_000);
afterAll(async () => {
  // resumed first: a suspended channel would never answer the client's channel.close
  await node?.ctl(['eval', '[sys:resume(P) || P <- rabbit_channel:list_local()], ok.']).catch(() => undefined);
  await Promise.all(clients.map((c) => c.close()));
  await node?.dispose();
}, 60_000);

/** Numbers of the confirm-mode channels open on the node (run before any channel is suspended). */
async function confirmChannels(): Promise<number[]> {
  const listed = JSON.parse(await node.ctl(['list_channels', '-q', '--formatter', 'json', 'number', 'confirm'])) as { number: number; confirm: boolean }[];
  return listed.filter((c) => c.confirm).map((c) => c.number);
}

describe('a publishing channel that stops confirming', () => {
  // A channel opened on a survivor just as the quorum queue leader's node shuts down can nack
  // every later publish to that queue; a full queue is the deterministic way to get a nack.
  it('is given up after a nack', async () => {
    const client = createClient({ urls: [node.url] });
    const topology = simpleTopology({ deadLetter: false, maxLength: 1 });
    await client.declare(topology);
    const publisher = client.createPublisher();
    const publish = (messageId: string) => publisher.publish({ exchange: topology.exchange, routingKey: 'x', body: messageId, messageId });
    try {
      await publish('fits');
      expect(await confirmChannels()).toHaveLength(1);
      // a quorum queue rejects once it is over its limit, so fill it until the broker nacks
      let nacked: unknown;
      for (let n = 0; n < 5 && !nacked; n++) nacked = await publish(`over-${n}`).then(() => undefined, (error: unknown) => error);
      expect(nacked).toMatchObject({ code: 'PUBLISH_NACKED' });
      await expect.poll(confirmChannels, { timeout: 30_000 }).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('is given up after one confirm timeout: the next publish goes out on a fresh channel and is confirmed', async () => {
    const client = createClient({ urls: [node.url], heartbeatSeconds: 2 });
    clients.push(client);
    const topology = simpleTopology({ deadLetter: false });
    await client.declare(topology);
    const confirmTimeoutMs = 1500;
    const publisher = client.createPublisher({ confirmTimeoutMs });
    const publish = (messageId: string) => publisher.publish({ exchange: topology.exchange, routingKey: 'x', body: messageId, messageId });
    await publish('before');

    // every channel on the node now holds its frames unanswered; the connection stays up
    await node.ctl(['eval', '[sys:suspend(P) || P <- rabbit_channel:list_local()], ok.']);
    const stuck = await publish('on-stuck-channel').catch((error: unknown) => error);
    expect(stuck).toBeInstanceOf(MqError);
    expect((stuck as MqError).code).toBe('PUBLISH_TIMEOUT');

    const started = Date.now();
    await expect(publish('after')).resolves.toEqual({ messageId: 'after' });
    expect(Date.now() - started).toBeLessThan(confirmTimeoutMs);
    expect(client.state).toBe('ready'); // no reconnect was needed
    // looked at on a connection of its own: the client's declare channel is suspended too
    const inspect = rawConnection(node.url);
    try {
      expect((await inspect.queueDeclare({ queue: topology.queue, passive: true })).messageCount).toBeGreaterThanOrEqual(2);
    } finally {
      await inspect.close();
    }
  });
});
