import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { createPublisher, PublishBatchError, PublishError } from '@mq/client';
import { freePort } from '../../scripts/lib/free-port.ts';
import { startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { createSink, rawConnection, uniqueName, type Sink } from '../gateway/broker.ts';

const schema = { type: 'object', required: ['n'], properties: { n: { type: 'number' } } };

// The client against the real built gateway process and the real broker: what publish()
// resolved is in the queue, with the id the client chose.
describe('publisher client -> gateway process -> broker', () => {
  let conn: Connection;
  let gateway: AppProcess;
  let sink: Sink;
  const exchange = uniqueName('client');

  beforeAll(async () => {
    conn = rawConnection();
    sink = await createSink(conn, exchange, '#');
    gateway = await startApp('gateway', {
      config: {
        topics: {
          orders: { exchange, routingKey: 'order.created', schema: 'order.json' },
          notes: { exchange, routingKey: 'note.created', allowRoutingKey: true },
        },
      },
      files: { 'order.json': JSON.stringify(schema) },
    });
  });

  afterAll(async () => {
    await stopAllApps();
    await sink.dispose();
    await conn.close();
  });

  it('publish() resolves with the id that the stored message carries', async () => {
    const publisher = createPublisher({ url: gateway.url });
    const traceparent = `00-${randomUUID().replaceAll('-', '')}-${'2'.repeat(16)}-01`;
    const generated = await publisher.publish('orders', { n: 1 }, { traceparent });
    const chosen = await publisher.publish('notes', 'plain', { id: 'client-own-id', contentType: 'text/plain', routingKey: 'note.edited' });
    expect(generated).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), topic: 'orders' });
    expect(chosen).toEqual({ id: 'client-own-id', topic: 'notes' });
    const stored = await sink.drain();
    expect(stored.map((m) => [m.messageId, m.routingKey, m.contentType])).toEqual([
      [generated.id, 'order.created', 'application/json'],
      ['client-own-id', 'note.edited', 'text/plain'],
    ]);
    expect(stored[0]!.headers?.traceparent).toMatch(new RegExp(`^00-${traceparent.slice(3, 35)}-`));
  });

  it("publishBatch() stores every entry under its id; a schema violation is the gateway's typed error", async () => {
    const publisher = createPublisher({ url: gateway.url });
    const batch = await publisher.publishBatch('orders', [{ data: { n: 1 } }, { data: { n: 2 }, id: 'b-2' }]);
    expect(batch.results.map((r) => r.status)).toEqual([202, 202]);
    expect((await sink.drain()).map((m) => m.messageId)).toEqual(batch.results.map((r) => r.id));

    const bad = await publisher.publishBatch('orders', [{ data: { n: 1 } }, { data: { n: 'x' } }]).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PublishBatchError);
    expect(bad).toMatchObject({ code: 'SCHEMA_VIOLATION', status: 422, retryable: false });
    const single = await publisher.publish('nope', {}).catch((e: unknown) => e);
    expect(single).toBeInstanceOf(PublishError);
    expect(single).toMatchObject({ code: 'UNKNOWN_TOPIC', status: 404, retryable: false, attempts: 1 });
    expect(await sink.count()).toBe(0);
  });

  it('retries 503 after its Retry-After while the broker is unreachable, and gives up at the deadline', async () => {
    const dead = await startApp('gateway', {
      env: { AMQP_URL: `amqp://guest:guest@127.0.0.1:${await freePort()}` },
      config: { topics: { orders: { exchange, routingKey: 'order.created' } }, gateway: { connectWaitMs: 100 } },
      waitFor: 'livez',
    });
    const publisher = createPublisher({ url: dead.url, retry: { deadlineMs: 3000, initialDelayMs: 50, maxDelayMs: 200 } });
    const started = Date.now();
    const error = (await publisher.publish('orders', { n: 1 }, { id: 'never' }).catch((e: unknown) => e)) as PublishError;
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ code: 'NOT_CONNECTED', status: 503, retryable: true, id: 'never' });
    // The gateway asks for Retry-After: 2 (s), which outweighs the 200 ms backoff: attempts at
    // about 0 and 2 s, and none at 4 s, past the 3 s deadline.
    expect(error.attempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(3000);
    await dead.stop();
  });

  // The client needs only fetch: the same publish from the machine's own Node (20 here, found on
  // a PATH without node_modules/.bin, where scripts put Node 24), and from Bun and Deno (npm
  // packages of the test workspace).
  const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
  const runtimes = [
    { runtime: 'node', command: 'node', args: ['--input-type=module', '-e'], version: 'process.versions.node', env: { PATH: '/usr/local/bin:/usr/bin:/bin' } },
    { runtime: 'bun', command: bin('bun'), args: ['-e'], version: 'Bun.version', env: {} },
    { runtime: 'deno', command: bin('deno'), args: ['eval'], version: 'Deno.version.deno', env: {} },
  ];
  it.each(runtimes)('publishes from $runtime, not only from the repo\'s Node 24', async ({ runtime, command, args, version, env }) => {
    const id = `${runtime}-${randomUUID()}`;
    const script = `
      const { createPublisher } = await import(${JSON.stringify(new URL('../../packages/client/dist/index.js', import.meta.url).href)});
      const publisher = createPublisher({ url: ${JSON.stringify(gateway.url)} });
      const accepted = await publisher.publish('notes', 'from ${runtime}', { id: ${JSON.stringify(id)} });
      console.log(JSON.stringify({ version: ${version}, accepted }));`;
    const { stdout } = await promisify(execFile)(command, [...args, script], { env: { ...env, HOME: process.env.HOME ?? '/tmp' } });
    const result = JSON.parse(stdout) as { version: string; accepted: unknown };
    if (runtime === 'node') expect(Number(result.version.split('.')[0])).toBeGreaterThanOrEqual(20);
    expect(result.version).toMatch(/^\d+\.\d+/);
    expect(result.accepted).toEqual({ id, topic: 'notes' });
    const [stored] = await sink.drain();
    expect(stored?.messageId).toBe(id);
  });
});
