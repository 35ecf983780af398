// Baseline: a bare rabbitmq-client consumer (auto-ack on return), the same prefetch and
// concurrency as the consumer under test. Its handler is a no-op, or with DELIVER_URL one undici
// `request()` POST of the body per message through a keep-alive pool (the HTTP delivery row's
// baseline). With LATENCY=1 it reads each body's `sentAtNs` and serves end-to-end latency stats
// on GET /stats.
import { Connection, type AsyncMessage } from 'rabbitmq-client';
import { serveControl } from './control-server.ts';
import { createLatencyLog } from './latency-log.ts';

const env = process.env;
const prefetch = Number(env.PREFETCH ?? 32);
const conn = new Connection({ url: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', connectionName: 'bench-bare-consumer' });
conn.on('error', (error) => console.error('amqp', error));
const log = createLatencyLog();
const recordLatency = env.LATENCY === '1';

/** One POST per message, 2xx or it throws (rabbitmq-client then nacks); loaded only when asked for. */
async function httpHandler(url: string): Promise<(msg: AsyncMessage) => Promise<void>> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json' };
  return async (msg) => {
    const body = Buffer.isBuffer(msg.body) ? msg.body : JSON.stringify(msg.body);
    const res = await request(url, { method: 'POST', headers, body, dispatcher });
    await res.body.dump();
    if (res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}`);
  };
}

const deliver = env.DELIVER_URL ? await httpHandler(env.DELIVER_URL) : undefined;

const consumer = conn.createConsumer(
  {
    queue: env.QUEUE ?? '',
    queueOptions: { passive: true }, // the queue exists, declared by whoever owns it
    qos: { prefetchCount: prefetch },
    concurrency: Number(env.CONCURRENCY ?? prefetch),
  },
  (msg) => {
    if (recordLatency) log.record(msg.body);
    return deliver?.(msg);
  },
);
consumer.on('error', (error) => console.error('consumer', error));

const server = serveControl(() => conn.ready, log);

process.once('SIGTERM', () => {
  server.close();
  void consumer.close().then(() => conn.close()).finally(() => process.exit(0));
});
