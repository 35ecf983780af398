// Baseline: the smallest honest publish API — Hono, read the body, `await pub.send()` with a
// confirm, answer 202. No validation, auth, tracing or metrics: what the gateway adds is measured
// against this.
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Connection } from 'rabbitmq-client';

const env = process.env;
const exchange = env.EXCHANGE ?? '';
const routingKey = env.ROUTING_KEY ?? '';
const conn = new Connection({ url: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', connectionName: 'bench-hono-baseline' });
conn.on('error', (error) => console.error('amqp', error));
const pub = conn.createPublisher({ confirm: true, maxAttempts: 1 });

const app = new Hono();
app.get('/readyz', (c) => c.text(conn.ready ? 'ok' : 'connecting', conn.ready ? 200 : 503));
app.post('/publish', async (c) => {
  const body = Buffer.from(await c.req.arrayBuffer());
  const id = randomUUID();
  await pub.send(
    { exchange, routingKey, durable: true, mandatory: true, contentType: c.req.header('content-type'), messageId: id },
    body,
  );
  return c.json({ id }, 202);
});

const server = serve({ fetch: app.fetch, port: Number(env.PORT ?? 0), hostname: '127.0.0.1' });
process.once('SIGTERM', () => {
  server.close();
  void pub.close().then(() => conn.close()).finally(() => process.exit(0));
});
