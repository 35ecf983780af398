// Shared set-up for the consumer's integration tests: unique names, a config for the real
// consumer process, a raw rabbitmq-client connection to publish and clean up with (outside the
// code under test), and small readers for the sample app and the consumer's HTTP surface.
import { randomUUID } from 'node:crypto';
import { Connection, type Envelope } from 'rabbitmq-client';
import { afterAll, afterEach } from 'vitest';
import { queuesOf } from '@mq/mq';
import { stopAllApps, type AppProcess } from '../helpers/processes.ts';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface Names {
  topic: string;
  exchange: string;
  queue: string;
  subscription: string;
}

/** `t.<uuid>` names for one test. */
export function uniqueNames(): Names {
  const id = randomUUID();
  return { topic: 'orders', exchange: `t.ex.${id}`, queue: `t.q.${id}`, subscription: 'billing' };
}

export interface Retry {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export const fastRetry: Retry = { maxAttempts: 3, initialDelayMs: 300, maxDelayMs: 1200, multiplier: 2 };

export interface SubscriptionOptions {
  url?: string;
  module?: string;
  timeoutMs?: number;
  retry?: Retry;
  prefetch?: number;
  concurrency?: number;
  circuitBreaker?: { failureThreshold?: number; openMs?: number; maxOpenMs?: number };
}

/** An mq.yaml (as an object) with one topic and one subscription delivering to `url` or `module`. */
export function consumerConfig(names: Names, options: SubscriptionOptions, extra: object = {}): object {
  const deliver = options.module
    ? { module: options.module, timeoutMs: options.timeoutMs ?? 5000 }
    : { url: options.url, timeoutMs: options.timeoutMs ?? 5000 };
  return {
    topics: { [names.topic]: { exchange: names.exchange, routingKey: 'order.created' } },
    subscriptions: {
      [names.subscription]: {
        queue: names.queue,
        bind: [{ topic: names.topic, routingKey: 'order.*' }],
        deliver,
        retry: options.retry ?? fastRetry,
        prefetch: options.prefetch ?? 8,
        concurrency: options.concurrency ?? 4,
        circuitBreaker: { failureThreshold: 0, ...options.circuitBreaker },
      },
    },
    ...extra,
  };
}

/** A plain connection for publishing and cleaning up. */
export function rawConnection(): Connection {
  const conn = new Connection({ url: AMQP_URL, retryLow: 100, retryHigh: 500 });
  conn.on('error', () => {});
  return conn;
}

/**
 * The set-up the consumer integration files share: a raw connection and names for the whole file.
 * After the file's tests: the started apps are stopped, `cleanUp` runs (a proxy, a temp file), the
 * names' queues and exchange are deleted and the connection is closed.
 */
export function useConsumerTest(cleanUp?: () => Promise<unknown>): { conn: Connection; names: Names } {
  const conn = rawConnection();
  const names = uniqueNames();
  afterAll(async () => {
    await stopAllApps();
    await cleanUp?.();
    await deleteAll(conn, names);
    await conn.close();
  });
  return { conn, names };
}

/**
 * For files whose tests each make their own names: a raw connection, and `cleanUps` that each
 * test adds to (its names' queues), run after the test once its apps have stopped. The
 * connection closes after the file.
 */
export function usePerTestCleanUp(): { conn: Connection; cleanUps: Array<() => Promise<void>> } {
  const conn = rawConnection();
  const cleanUps: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await stopAllApps();
    for (const cleanUp of cleanUps.splice(0)) await cleanUp();
  });
  afterAll(() => conn.close());
  return { conn, cleanUps };
}

/** Publishes with confirms; `body` is sent as bytes, so rabbitmq-client sets no content type of its own. */
export async function publish(conn: Connection, envelope: Envelope, body: string): Promise<void> {
  const publisher = conn.createPublisher({ confirm: true });
  try {
    await publisher.send(envelope, Buffer.from(body));
  } finally {
    await publisher.close();
  }
}

/** Deletes the queue, its dead-letter and retry queues, and the exchange. */
export async function deleteAll(conn: Connection, names: Names, retry: Retry = fastRetry): Promise<void> {
  for (const queue of queuesOf({ name: names.queue, retry, deadLetter: true })) {
    await conn.queueDelete({ queue }).catch(() => {});
  }
  await conn.exchangeDelete({ exchange: names.exchange }).catch(() => {});
}

/** A delivery as the sample app recorded it. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  contentType: string | undefined;
  status: number;
  time: string;
}

export async function receivedBy(sample: AppProcess, path?: string): Promise<Received[]> {
  const query = path ? `?path=${encodeURIComponent(path)}` : '';
  return (await (await fetch(`${sample.url}/received${query}`)).json()) as Received[];
}

/** Scripts the sample app's answers (see apps/sample-app/README.md). */
export async function control(sample: AppProcess, rule: object): Promise<void> {
  const response = await fetch(`${sample.url}/control`, { method: 'POST', body: JSON.stringify(rule) });
  if (response.status !== 201) throw new Error(`control: ${response.status} ${await response.text()}`);
}

export async function clearControl(sample: AppProcess): Promise<void> {
  await fetch(`${sample.url}/control`, { method: 'DELETE' });
}

/** One sample value of a Prometheus metric whose labels include all of `labels`. */
export async function metricValue(consumer: AppProcess, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(`${consumer.url}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

export async function readyz(consumer: AppProcess): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${consumer.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
