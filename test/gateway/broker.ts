// A raw rabbitmq-client view of the broker for the gateway's integration tests: a queue bound to
// what the gateway publishes, so a test can read back exactly what was stored.
import { randomUUID } from 'node:crypto';
import { Connection, type SyncMessage } from 'rabbitmq-client';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** `t.<label>.<uuid>`: unique per test. */
export const uniqueName = (label: string) => `t.${label}.${randomUUID()}`;

/** A durable queue bound to an exchange, read and deleted by the test. */
export interface Sink {
  readonly queue: string;
  /** Every message in the queue now (drained with basic.get and acked). */
  drain(): Promise<SyncMessage[]>;
  /** Ready messages in the queue. */
  count(): Promise<number>;
  dispose(): Promise<void>;
}

export function rawConnection(url = AMQP_URL): Connection {
  const conn = new Connection({ url, retryLow: 100, retryHigh: 500, connectionName: 'gateway-int-test' });
  conn.on('error', () => undefined);
  return conn;
}

/**
 * Declares `exchange` (as the gateway does) and a quorum queue bound to it with `pattern`: quorum
 * so that what the broker confirmed survives a broker restart, as in production.
 */
export async function createSink(conn: Connection, exchange: string, pattern = '#'): Promise<Sink> {
  const queue = uniqueName('q');
  await conn.exchangeDeclare({ exchange, type: 'topic', durable: true });
  await conn.queueDeclare({ queue, durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await conn.queueBind({ queue, exchange, routingKey: pattern });
  return {
    queue,
    async drain() {
      const messages: SyncMessage[] = [];
      for (;;) {
        const message = await conn.basicGet({ queue, noAck: true });
        if (!message) return messages;
        messages.push(message);
      }
    },
    async count() {
      return (await conn.queueDeclare({ queue, passive: true })).messageCount;
    },
    async dispose() {
      await conn.queueDelete({ queue }).catch(() => undefined);
      await conn.exchangeDelete({ exchange }).catch(() => undefined);
    },
  };
}

/** POSTs a body to a topic; never throws for HTTP statuses, and gives up after `timeoutMs`. */
export async function publish(
  baseUrl: string,
  topic: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${baseUrl}/v1/topics/${topic}/messages`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}
