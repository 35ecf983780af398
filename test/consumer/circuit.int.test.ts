// The circuit breaker: an app that keeps failing or refusing stops the consumer taking
// deliveries (instead of burning every message's attempts); it probes, and resumes.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port.ts';
import { startApp, type AppProcess } from '../helpers/processes.ts';
import {
  clearControl, consumerConfig, control, deleteAll, metricValue, publish, readyz, receivedBy, uniqueNames, usePerTestCleanUp, type Names, type Retry,
} from './support.ts';

const retry: Retry = { maxAttempts: 4, initialDelayMs: 200, maxDelayMs: 800, multiplier: 2 };
const circuitBreaker = { failureThreshold: 3, openMs: 300, maxOpenMs: 1000 };
const { conn, cleanUps } = usePerTestCleanUp();

async function setup(port?: number): Promise<{ names: Names; path: string; sample: AppProcess; consumer: AppProcess }> {
  const names = uniqueNames();
  const path = `/deliveries/${randomUUID()}`;
  const sample = await startApp('sample-app', { ...(port ? { port } : {}) });
  const config = consumerConfig(names, { url: `${sample.url}${path}`, retry, circuitBreaker, prefetch: 4, concurrency: 2 });
  const consumer = await startApp('consumer', { config });
  cleanUps.push(() => deleteAll(conn, names, retry));
  return { names, path, sample, consumer };
}

const sendMany = async (names: Names, count: number) => {
  for (let i = 0; i < count; i++) {
    await publish(conn, { exchange: names.exchange, routingKey: 'order.created', messageId: randomUUID() }, `m${i}`);
  }
};

const queueDepth = async (queue: string) => (await conn.queueDeclare({ queue, passive: true })).messageCount;

describe('circuit breaker', () => {
  it('opens while the app answers 503, parks nothing, and closes when the app recovers', async () => {
    const { names, path, sample, consumer } = await setup();
    await control(sample, { path, status: 503 });
    await sendMany(names, 20);
    await expect.poll(async () => (await readyz(consumer)).status, { timeout: 20_000 }).toBe(503);
    const ready = await readyz(consumer);
    expect(ready.body.subscriptions).toEqual([expect.objectContaining({ name: names.subscription, paused: true })]);
    expect(await metricValue(consumer, 'mq_circuit_open', { subscription: names.subscription })).toBe(1);
    // Paused: the backlog stays in the broker, and the probes spend no message's attempts.
    const attemptsWhileOpen = (await receivedBy(sample, path)).length;
    expect(attemptsWhileOpen).toBeLessThan(12);
    await expect.poll(() => queueDepth(names.queue), { timeout: 10_000 }).toBeGreaterThanOrEqual(14);

    await clearControl(sample);
    await expect.poll(async () => (await readyz(consumer)).status, { timeout: 20_000 }).toBe(200);
    await expect
      .poll(async () => new Set((await receivedBy(sample, path)).filter((r) => r.status === 200).map((r) => r.body)).size, { timeout: 30_000 })
      .toBe(20);
    expect(await queueDepth(`${names.queue}.dlq`)).toBe(0);
    expect(await metricValue(consumer, 'mq_circuit_open', { subscription: names.subscription })).toBe(0);
    expect(consumer.logs().some((line) => line.msg === 'circuit open')).toBe(true);
  });

  it('opens while the app refuses connections and closes when it is back on its port', async () => {
    const port = await freePort();
    const { names, path, sample, consumer } = await setup(port);
    await sample.stop();
    await sendMany(names, 10);
    await expect.poll(async () => (await readyz(consumer)).body.subscriptions, { timeout: 20_000 }).toEqual([
      expect.objectContaining({ circuit: expect.stringMatching(/open/) }),
    ]);
    await expect.poll(() => queueDepth(names.queue), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);

    const revived = await startApp('sample-app', { port });
    await expect
      .poll(async () => new Set((await receivedBy(revived, path)).map((r) => r.body)).size, { timeout: 30_000 })
      .toBe(10);
    await expect.poll(async () => (await readyz(consumer)).status, { timeout: 10_000 }).toBe(200);
    expect(await queueDepth(`${names.queue}.dlq`)).toBe(0);
  });
});
