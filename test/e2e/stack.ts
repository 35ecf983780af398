// The whole product as a user runs it: the built sample app, gateway and consumer as processes,
// on the real broker, with a config whose names are unique to one test file.
import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { startApp, type AppProcess } from '../helpers/processes.ts';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Names of everything the stack declares, so the test can watch and delete them. */
export interface StackNames {
  topic: string;
  exchange: string;
  queue: string;
  /** Every queue the consumer declares for the subscription (work, retry tier, dead-letter). */
  allQueues: string[];
}

export function stackNames(): StackNames {
  const id = randomUUID();
  const queue = `t.${id}.q`;
  // One retry tier (500 ms) keeps the set of declared queues known: work, .retry.500, .dlq.
  return { topic: `t.${id}`, exchange: `t.${id}`, queue, allQueues: [queue, `${queue}.retry.500`, `${queue}.dlq`] };
}

/** The config of the stack: one topic, one subscription delivering to the sample app. */
export function stackConfig(names: StackNames, sampleUrl: string): object {
  return {
    topics: { [names.topic]: { exchange: names.exchange, routingKey: 'e2e.created' } },
    subscriptions: {
      e2e: {
        queue: names.queue,
        bind: [{ topic: names.topic, routingKey: 'e2e.*' }],
        deliver: { url: `${sampleUrl}/deliveries`, timeoutMs: 5000 },
        retry: { maxAttempts: 2, initialDelayMs: 500, maxDelayMs: 500, multiplier: 2 },
        deadLetter: true,
      },
    },
  };
}

export interface Stack {
  names: StackNames;
  sample: AppProcess;
  gateway: AppProcess;
  consumer: AppProcess;
  /** A plain connection for looking at the broker from outside. */
  broker: Connection;
  stop(): Promise<void>;
}

/** Starts sample app, then consumer and gateway; resolves when all three are ready. */
export async function startStack(): Promise<Stack> {
  const names = stackNames();
  const broker = new Connection({ url: AMQP_URL, retryLow: 100, retryHigh: 500 });
  broker.on('error', () => undefined);
  const sample = await startApp('sample-app');
  const config = stackConfig(names, sample.url);
  const [consumer, gateway] = await Promise.all([startApp('consumer', { config }), startApp('gateway', { config })]);
  const stop = async (): Promise<void> => {
    await Promise.all([gateway.stop(), consumer.stop()]);
    await sample.stop();
    await deleteStackObjects(names, broker);
    await broker.close();
  };
  return { names, sample, gateway, consumer, broker, stop };
}

/** Deletes the queues and the exchange the stack declared, on `broker` or a connection of its own. */
export async function deleteStackObjects(names: StackNames, broker?: Connection): Promise<void> {
  const conn = broker ?? new Connection({ url: AMQP_URL });
  for (const queue of names.allQueues) await conn.queueDelete({ queue }).catch(() => undefined);
  await conn.exchangeDelete({ exchange: names.exchange }).catch(() => undefined);
  if (!broker) await conn.close();
}

/** One delivery as the sample app recorded it. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  contentType?: string;
}

export async function receivedBy(sample: AppProcess): Promise<Received[]> {
  const response = await fetch(`${sample.url}/received`);
  return (await response.json()) as Received[];
}
