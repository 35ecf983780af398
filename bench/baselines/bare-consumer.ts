// Baseline: a bare rabbitmq-client consumer with a no-op handler (auto-ack on return), the same
// prefetch and concurrency as the consumer under test. With LATENCY=1 it reads each body's
// `sentAtNs` and serves end-to-end latency stats on GET /stats.
import { createServer } from 'node:http';
import { Connection } from 'rabbitmq-client';
import { createLatencyLog } from './latency-log.ts';

const env = process.env;
const prefetch = Number(env.PREFETCH ?? 32);
const conn = new Connection({ url: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', connectionName: 'bench-bare-consumer' });
conn.on('error', (error) => console.error('amqp', error));
const log = createLatencyLog();
const recordLatency = env.LATENCY === '1';

const consumer = conn.createConsumer(
  {
    queue: env.QUEUE ?? '',
    queueOptions: { passive: true }, // the queue exists, declared by whoever owns it
    qos: { prefetchCount: prefetch },
    concurrency: Number(env.CONCURRENCY ?? prefetch),
  },
  (msg) => {
    if (recordLatency) log.record(msg.body);
  },
);
consumer.on('error', (error) => console.error('consumer', error));

const server = createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(conn.ready ? 200 : 503).end();
  } else if (req.url === '/reset') {
    log.reset();
    res.writeHead(204).end();
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log.stats()));
  }
}).listen(Number(env.PORT ?? 0), '127.0.0.1');

process.once('SIGTERM', () => {
  server.close();
  void consumer.close().then(() => conn.close()).finally(() => process.exit(0));
});
