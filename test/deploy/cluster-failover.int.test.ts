import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRabbitCluster, type RabbitCluster, type RabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';

// Scale-out proof: the built gateway and consumer, given all three nodes of a private RabbitMQ
// cluster in AMQP_URL, keep working while the node that leads the quorum queue (and holds both
// apps' connections) is stopped and later restarted. Every message the gateway confirmed (202)
// reaches the app; both apps move to a surviving node without being restarted.
const id = randomUUID().slice(0, 8);
let cluster: RabbitCluster;
let sample: AppProcess;
let gateway: AppProcess;
let consumer: AppProcess;

const config = (deliverTo: string) => ({
  topics: { orders: { exchange: `t.${id}.orders`, routingKey: 'order.created' } },
  subscriptions: {
    billing: {
      queue: `t.${id}.billing`,
      bind: [{ topic: 'orders', routingKey: 'order.*' }],
      deliver: { url: `${deliverTo}/orders`, timeoutMs: 5000 },
      prefetch: 16,
      concurrency: 8,
      retry: { maxAttempts: 10, initialDelayMs: 200, maxDelayMs: 2000, multiplier: 2 },
    },
  },
});

beforeAll(async () => {
  cluster = await startRabbitCluster(3);
  sample = await startApp('sample-app');
  const env = { AMQP_URL: cluster.url };
  consumer = await startApp('consumer', { config: config(sample.url), env });
  gateway = await startApp('gateway', { config: config(sample.url), env });
}, 180_000);

afterAll(async () => {
  await stopAllApps();
  await cluster?.dispose();
}, 120_000);

/** Publishes one message; the id when the gateway confirmed it (202), else undefined. */
async function publish(tag: string): Promise<string | undefined> {
  const response = await fetch(`${gateway.url}/v1/topics/orders/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tag, at: Date.now() }),
  }).catch(() => undefined);
  if (response?.status !== 202) {
    await response?.body?.cancel();
    return undefined;
  }
  return ((await response.json()) as { id: string }).id;
}

interface TrafficStats {
  refused: number;
  /** Longest time between two confirmed publishes: how long publishers saw the failover. */
  longestGapMs: number;
}

/** Keeps publishing until stopped; a refused publish (503 during failover) backs off briefly. */
function startTraffic(confirmed: Set<string>, stats: TrafficStats) {
  let running = true;
  let lastConfirmedAt = Date.now();
  const done = (async () => {
    for (let i = 0; running; i++) {
      const messageId = await publish(`bg-${i}`);
      if (messageId) {
        confirmed.add(messageId);
        stats.longestGapMs = Math.max(stats.longestGapMs, Date.now() - lastConfirmedAt);
        lastConfirmedAt = Date.now();
      } else {
        stats.refused++;
        await delay(100); // pacing only: don't spin on a gateway that is failing over
      }
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

async function receivedIds(): Promise<Set<string>> {
  const list = (await (await fetch(`${sample.url}/received`)).json()) as Array<{ headers: Record<string, string> }>;
  return new Set(list.map((r) => r.headers['ce-id']!));
}

/** Polls the app until every confirmed id has arrived; fails listing the missing ones. */
async function expectAllDelivered(confirmed: Set<string>): Promise<void> {
  await expect
    .poll(async () => {
      const received = await receivedIds();
      return [...confirmed].filter((messageId) => !received.has(messageId));
    }, { timeout: 60_000, interval: 500 })
    .toEqual([]);
}

/** The cluster node whose AMQP port the apps' connections point at, and the queue leader. */
async function placement(survivor: RabbitNode): Promise<{ connectedTo: number[]; leader: string }> {
  const connections = JSON.parse(await survivor.ctl(['list_connections', '-q', '--formatter', 'json', 'name'])) as { name: string }[];
  const queues = JSON.parse(await survivor.ctl(['list_queues', '-q', '--formatter', 'json', 'name', 'leader'])) as { name: string; leader: string }[];
  return {
    connectedTo: [...new Set(connections.map((c) => Number(/:(\d+)$/.exec(c.name)?.[1])))],
    leader: queues.find((q) => q.name === `t.${id}.billing`)?.leader ?? '',
  };
}

describe('a 3-node RabbitMQ cluster losing the quorum queue leader', () => {
  it('loses no confirmed message and both apps reconnect to a survivor by themselves', async () => {
    const confirmed = new Set<string>();
    const stats: TrafficStats = { refused: 0, longestGapMs: 0 };
    const [first, second] = cluster.nodes as [RabbitNode, RabbitNode, RabbitNode];

    // both apps try AMQP_URL in order, so they sit on the first node, which leads the queue
    // the consumer declared there
    const before = await placement(second);
    expect(before).toEqual({ connectedTo: [first.port], leader: first.name });

    const stopTraffic = startTraffic(confirmed, stats);
    await expect.poll(() => confirmed.size, { timeout: 30_000 }).toBeGreaterThanOrEqual(30);

    await first.stop();
    const atStop = confirmed.size;
    // a new leader is elected among the survivors and both apps are connected to them again
    await expect.poll(async () => {
      const now = await placement(second);
      return now.leader !== first.name && now.leader !== '' && now.connectedTo.length > 0 && !now.connectedTo.includes(first.port);
    }, { timeout: 60_000, interval: 500 }).toBe(true);
    await expect.poll(() => confirmed.size, { timeout: 60_000 }).toBeGreaterThanOrEqual(atStop + 30);
    await expectAllDelivered(confirmed);

    await first.start();
    const atRestart = confirmed.size;
    await expect.poll(() => confirmed.size, { timeout: 60_000 }).toBeGreaterThanOrEqual(atRestart + 30);
    await stopTraffic();
    await expectAllDelivered(confirmed);

    for (const app of [gateway, consumer]) {
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status, `${app.app} /readyz`).toBe(200);
    }
    // neither app exited and was restarted: the same processes did all of this
    expect(await Promise.race([gateway.exited, consumer.exited, delay(0, 'running')])).toBe('running');
    console.info(`failover: ${confirmed.size} confirmed and delivered, ${stats.refused} refused, longest publish gap ${stats.longestGapMs} ms`);
  }, 240_000);
});
