// A consumer process for the SIGKILL fault test: consumes TOPOLOGY's queue slowly and prints
// `handled <message id>` when its handler finished (before the ack reaches the broker).
import { setTimeout as delay } from 'node:timers/promises';
import { MqClient, type Topology } from '@mq/mq';

const topology = JSON.parse(process.env.TOPOLOGY ?? '{}') as Topology;
const client = new MqClient({ urls: [process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'], reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 500 });
await client.declare(topology);
client.createConsumer({ queue: topology.queues[0]!.name, prefetch: 8, concurrency: 4 }, async (message) => {
  await delay(20);
  process.stdout.write(`handled ${message.messageId}\n`);
});
process.stdout.write('consuming\n');
