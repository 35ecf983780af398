// The consumer across a lost broker connection: readiness says so, and when the path to the
// broker is back it re-declares, consumes again and delivers what was published meanwhile.
// The shared broker is never touched: a TCP proxy between the consumer and it is cut instead.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startApp } from '../helpers/processes.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { AMQP_URL, consumerConfig, publish, readyz, receivedBy, useConsumerTest } from './support.ts';

let proxy: TcpProxy | undefined;
const { conn, names } = useConsumerTest(async () => proxy?.close());


describe('broker outage', () => {
  it('is unready while the broker is unreachable and delivers the backlog once it is back', async () => {
    proxy = await startTcpProxy({ targetPort: Number(new URL(AMQP_URL).port || 5672), targetHost: new URL(AMQP_URL).hostname });
    const path = `/outage/${randomUUID()}`;
    const sample = await startApp('sample-app');
    const consumer = await startApp('consumer', {
      config: consumerConfig(names, { url: `${sample.url}${path}` }),
      env: { AMQP_URL: proxy.rewrite(AMQP_URL), AMQP_HEARTBEAT_S: '2' },
    });
    const send = (body: string) => publish(conn, { exchange: names.exchange, routingKey: 'order.created', messageId: body }, body);
    await send('before');
    await expect.poll(async () => (await receivedBy(sample, path)).map((r) => r.body), { timeout: 15_000 }).toEqual(['before']);

    // refuse() stops listening at once but resolves only when the open connections are gone.
    const refusing = proxy.refuse();
    proxy.cut();
    await refusing;
    await expect.poll(async () => (await readyz(consumer)).status, { timeout: 15_000 }).toBe(503);
    expect((await readyz(consumer)).body.connection).not.toBe('ready');
    await send('during');

    await proxy.restore();
    await expect.poll(async () => (await readyz(consumer)).status, { timeout: 30_000 }).toBe(200);
    await expect.poll(async () => (await receivedBy(sample, path)).map((r) => r.body), { timeout: 30_000 }).toEqual(['before', 'during']);
  });
});
