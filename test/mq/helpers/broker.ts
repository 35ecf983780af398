// Shared helpers for the mq core's integration tests: unique names, a raw rabbitmq-client
// connection for looking at and cleaning up what the tests made, and a client factory with
// small reconnect delays.
import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { MqClient, queuesOf, type ConnectionOptions, type QueueSpec, type RetryPolicy, type Topology } from '@mq/mq';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `t.<uuid>`-style names, unique per test. */
export function uniqueName(label = 'q'): string {
  return `t.${label}.${randomUUID()}`;
}

export const fastRetry: RetryPolicy = { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 800, multiplier: 2 };

/** One exchange and one queue bound to it with `#`. */
export function simpleTopology(overrides: Partial<QueueSpec> = {}): Topology & { exchange: string; queue: string } {
  const exchange = uniqueName('ex');
  const queue = uniqueName('q');
  return {
    exchange,
    queue,
    exchanges: [exchange],
    queues: [{ name: queue, bindings: [{ exchange, routingKey: '#' }], retry: fastRetry, deadLetter: true, ...overrides }],
  };
}

export function createClient(options: Partial<ConnectionOptions> = {}): MqClient {
  return new MqClient({
    urls: [AMQP_URL],
    reconnectInitialDelayMs: 100,
    reconnectMaxDelayMs: 500,
    heartbeatSeconds: 5,
    connectionName: 'mq-int-test',
    ...options,
  });
}

/** A plain rabbitmq-client connection to inspect and clean up, outside the code under test. */
export function rawConnection(url = AMQP_URL): Connection {
  const conn = new Connection({ url, retryLow: 100, retryHigh: 500 });
  conn.on('error', () => {});
  return conn;
}

/** Deletes every queue (with its retry queues and dlq) and exchange of a topology. */
export async function deleteTopology(conn: Connection, topology: Topology): Promise<void> {
  for (const spec of topology.queues) {
    for (const queue of queuesOf(spec)) await conn.queueDelete({ queue }).catch(() => {});
  }
  for (const exchange of topology.exchanges) await conn.exchangeDelete({ exchange }).catch(() => {});
}

/**
 * The set-up most test files share: a client under test, a raw connection beside it, and
 * `declared()`, which declares a fresh {@link simpleTopology} and remembers it (`track()` remembers
 * one declared otherwise). After the file's
 * tests the client closes and every declared topology is deleted.
 */
export function useBroker() {
  const raw = rawConnection();
  const client = createClient();
  const made: Topology[] = [];
  afterAll(async () => {
    await client.close();
    for (const topology of made) await deleteTopology(raw, topology);
    await raw.close();
  });
  /** Deletes this topology after the file's tests, whoever declares it. */
  function track<T extends Topology>(topology: T): T {
    made.push(topology);
    return topology;
  }
  async function declared(overrides: Partial<QueueSpec> = {}) {
    const topology = track(simpleTopology(overrides));
    await client.declare(topology);
    return topology;
  }
  return { raw, client, declared, track };
}

/** Reads up to `max` messages off a queue (acking them), for assertions. */
export async function drain(conn: Connection, queue: string, max = 100) {
  const messages = [];
  while (messages.length < max) {
    const message = await conn.basicGet({ queue, noAck: true });
    if (!message) break;
    messages.push(message);
  }
  return messages;
}
