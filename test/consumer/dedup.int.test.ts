// With REDIS_URL set the consumer remembers processed message ids in Redis, so a replica (or a
// restarted process) that gets the same id again acks it without delivering it twice.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startApp } from '../helpers/processes.ts';
import { consumerConfig, metricValue, publish, receivedBy, useConsumerTest } from './support.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { conn, names } = useConsumerTest();

describe('dedup with Redis', () => {
  it('a restarted consumer still recognises an id it processed', async () => {
    const path = `/dedup/${randomUUID()}`;
    const sample = await startApp('sample-app');
    const config = consumerConfig(names, { url: `${sample.url}${path}` });
    const id = randomUUID();
    const send = () => publish(conn, { exchange: names.exchange, routingKey: 'order.created', messageId: id }, 'once');

    const first = await startApp('consumer', { config, env: { REDIS_URL } });
    await send();
    await expect.poll(async () => (await receivedBy(sample, path)).length, { timeout: 15_000 }).toBe(1);
    expect(await first.stop()).toBe(0);

    const second = await startApp('consumer', { config, env: { REDIS_URL } });
    await send();
    await expect
      .poll(() => metricValue(second, 'messaging_client_consumed_messages_total', { outcome: 'duplicate' }), { timeout: 15_000 })
      .toBe(1);
    expect(await receivedBy(sample, path)).toHaveLength(1);
  });
});
