// SIGTERM: readiness drops at once, in-flight deliveries finish (or, past SHUTDOWN_TIMEOUT_MS,
// go back to the queue), nothing is parked or lost, and the process exits 0.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../helpers/processes.ts';
import { consumerConfig, control, deleteAll, receivedBy, uniqueNames, usePerTestCleanUp, type Names } from './support.ts';

const { conn, cleanUps } = usePerTestCleanUp();

async function publishBurst(names: Names, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const publisher = conn.createPublisher({ confirm: true });
  await Promise.all(ids.map((messageId) => publisher.send({ exchange: names.exchange, routingKey: 'order.created', messageId }, Buffer.from(messageId))));
  await publisher.close();
  return ids;
}

/** How many of `ids` the app has not yet taken with a 200. */
async function missing(sample: AppProcess, path: string, ids: string[]): Promise<number> {
  const done = new Set((await receivedBy(sample, path)).filter((r) => r.status === 200).map((r) => r.headers['ce-id']));
  return ids.filter((id) => !done.has(id)).length;
}

async function setup(delayMs: number, shutdownTimeoutMs: number) {
  const names = uniqueNames();
  const path = `/burst/${randomUUID()}`;
  const sample = await startApp('sample-app');
  await control(sample, { path, delayMs });
  const config = consumerConfig(names, { url: `${sample.url}${path}`, prefetch: 10, concurrency: 5, timeoutMs: 10_000 });
  const start = () => startApp('consumer', { config, env: { SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) } });
  cleanUps.push(() => deleteAll(conn, names));
  return { names, path, sample, start, consumer: await start() };
}

describe('SIGTERM', () => {
  it('drops readiness at once, finishes in-flight deliveries, exits 0, and loses nothing', async () => {
    const { names, path, sample, start, consumer } = await setup(300, 10_000);
    const ids = await publishBurst(names, 60);
    await expect.poll(async () => (await receivedBy(sample, path)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(10);

    const stopped = consumer.stop('SIGTERM');
    // The signal and this request race in the consumer's event loop; readiness must drop well
    // before the in-flight deliveries (300 ms each) are done.
    await expect
      .poll(async () => (await (await fetch(`${consumer.url}/readyz`)).json()) as object, { timeout: 2000, interval: 20 })
      .toMatchObject({ ready: false, draining: true });
    expect(await stopped).toBe(0);
    expect(consumer.output()).toContain('draining');

    // Every delivery the app started before the signal was finished, none was parked.
    const dlq = await conn.queueDeclare({ queue: `${names.queue}.dlq`, passive: true });
    expect(dlq.messageCount).toBe(0);
    await start();
    await expect.poll(() => missing(sample, path, ids), { timeout: 45_000 }).toBe(0);
  });

  it('puts deliveries still running at SHUTDOWN_TIMEOUT_MS back in the queue, never in the dead-letter queue', async () => {
    const { names, path, sample, start, consumer } = await setup(4000, 1000);
    const ids = await publishBurst(names, 5);
    await expect.poll(async () => (await receivedBy(sample, path)).length, { timeout: 15_000 }).toBe(5);
    const started = Date.now();
    expect(await consumer.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(4500); // 1 s drain, then closing and process exit
    const { messageCount } = await conn.queueDeclare({ queue: names.queue, passive: true });
    expect(messageCount).toBe(5);
    expect((await conn.queueDeclare({ queue: `${names.queue}.dlq`, passive: true })).messageCount).toBe(0);

    await control(sample, { path, delayMs: 0 });
    await start();
    await expect.poll(() => missing(sample, path, ids), { timeout: 30_000 }).toBe(0);
  });
});
