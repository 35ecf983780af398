// Baseline: amqplib's bare consumer, the other common Node client: manual acks, the same
// prefetch, a no-op handler that acks each message as it arrives (amqplib has no concurrency
// setting; a synchronous no-op needs none).
import amqp from 'amqplib';
import { serveControl } from './control-server.ts';
import { createLatencyLog } from './latency-log.ts';

const env = process.env;
const conn = await amqp.connect(env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', { clientProperties: { connection_name: 'bench-amqplib-consumer' } });
conn.on('error', (error: Error) => console.error('amqp', error));
const ch = await conn.createChannel();
await ch.prefetch(Number(env.PREFETCH ?? 32));
const log = createLatencyLog();
await ch.consume(env.QUEUE ?? '', (msg) => {
  if (msg) ch.ack(msg);
});
// Ready once consuming: the control server starts only then.
const server = serveControl(() => true, log);

process.once('SIGTERM', () => {
  server.close();
  void ch.close().then(() => conn.close()).finally(() => process.exit(0));
});
