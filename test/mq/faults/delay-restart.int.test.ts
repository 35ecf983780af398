import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { delayQueueNames, type MqClient } from '@mq/mq';
import { startRabbitNode, type RabbitNode } from '../../../scripts/lib/rabbit-node.ts';
import { createClient, fastRetry, uniqueName } from '../helpers/broker.ts';

let node: RabbitNode;
let client: MqClient;
beforeAll(async () => {
  node = await startRabbitNode({ prefix: 'mqdelay' });
  client = createClient({ urls: [node.url], heartbeatSeconds: 2 });
});
afterAll(async () => {
  await client?.close();
  await node?.dispose();
});

const COUNT = 1000;
const MAX_DELAY_MS = 60_000;

describe('broker restarted while delayed messages wait', () => {
  it('delivers every one of 1,000 delayed messages after the restart, none before its due time', async () => {
    const exchange = uniqueName('ex');
    const queue = uniqueName('q');
    await client.declare({
      exchanges: [exchange],
      queues: [{ name: queue, bindings: [{ exchange, routingKey: '#' }], retry: fastRetry, deadLetter: true }],
      maxDelayMs: MAX_DELAY_MS,
    });
    const arrivals = new Map<string, number>();
    const early: string[] = [];
    client.createConsumer({ queue, prefetch: 100, concurrency: 50 }, (m) => {
      const now = Date.now();
      if (m.notBefore === undefined || now < m.notBefore.getTime()) early.push(`${m.messageId} at ${now}, due ${m.notBefore?.getTime()}`);
      if (!arrivals.has(m.messageId!)) arrivals.set(m.messageId!, now);
      return Promise.resolve();
    });
    const publisher = client.createPublisher({ confirmTimeoutMs: 10_000 });
    // 8 to 30 s: the first ones are due while the node is still down, the others after it is back.
    const due = new Map<string, number>();
    for (let batch = 0; batch < COUNT / 100; batch++) {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const delayMs = 8000 + Math.floor(((batch * 100 + i) / COUNT) * 22_000);
          return publisher.publish({ exchange, routingKey: 'k', body: String(i), delayMs });
        }),
      );
      for (const r of results) due.set(r.messageId, r.notBefore!.getTime());
    }
    const waiting = async () => {
      let total = 0;
      for (const q of delayQueueNames(MAX_DELAY_MS)) total += (await client.queueStats(q)).messageCount;
      return total;
    };
    expect(await waiting()).toBe(COUNT); // all held by the broker, nothing delivered yet
    expect(arrivals.size).toBe(0);

    await node.restart();
    await expect.poll(() => client.state, { timeout: 30_000 }).toBe('ready');

    await vi.waitFor(() => expect(arrivals.size).toBe(COUNT), { timeout: 90_000, interval: 500 });
    expect(early).toEqual([]);
    for (const [id, at] of arrivals) expect(at).toBeGreaterThanOrEqual(due.get(id)!);
    const lateness = [...arrivals].map(([id, at]) => at - due.get(id)!).sort((a, b) => a - b);
    console.log(`[fault:delay-restart] delivered=${arrivals.size} lateness p50=${lateness[COUNT / 2]} ms max=${lateness.at(-1)} ms`);
  }, 180_000);
});
