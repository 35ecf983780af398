import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { startRabbitCluster, type RabbitCluster } from '../../scripts/lib/rabbit-node.ts';

describe('private RabbitMQ cluster', () => {
  let cluster: RabbitCluster;
  beforeAll(async () => {
    cluster = await startRabbitCluster(3);
  }, 240_000);
  afterAll(async () => {
    await cluster?.dispose();
  });

  it('joins three private nodes into one cluster', async () => {
    const status = JSON.parse(await cluster.nodes[2]!.ctl(['cluster_status', '--formatter', 'json'])) as { running_nodes: string[] };
    expect(status.running_nodes.sort()).toEqual(cluster.nodes.map((node) => node.name).sort());
    expect(cluster.url.split(',')).toEqual(cluster.nodes.map((node) => node.url));
  });

  it('replicates a quorum queue declared on one node to the others', async () => {
    const queue = `t.${randomUUID()}`;
    const connection = new Connection({ url: cluster.nodes[0]!.url, retryLow: 100, retryHigh: 500 });
    connection.on('error', () => undefined);
    try {
      await connection.queueDeclare({ queue, durable: true, arguments: { 'x-queue-type': 'quorum' } });
      const members = await cluster.nodes[1]!.ctl(['list_queues', 'name', 'members', '--formatter', 'json']);
      const entry = (JSON.parse(members) as Array<{ name: string; members: string[] }>).find((q) => q.name === queue);
      expect(entry?.members.sort()).toEqual(cluster.nodes.map((node) => node.name).sort());
    } finally {
      await connection.close();
    }
  });
});
