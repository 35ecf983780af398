import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryEvent } from '@mq/receiver';
import { createNodeVerifier } from '@mq/receiver/node';
import { Connection } from 'rabbitmq-client';
import { startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { AMQP_URL } from './stack.ts';

// The whole chain on the real broker: a publish through the built gateway, the built consumer
// signing (deliver.signing with two secrets, as during a rotation), and an app that verifies
// each delivery with @mq/receiver. The app's three paths know different secrets:
//   /old   only the old secret   (the app was not updated yet)      -> verifies
//   /new   only the new secret   (the app was updated first)        -> verifies
//   /gone  only the old secret, while that subscription signs with the new one only
//          (the rotation finished before the app caught up)        -> 401, parked with the reason
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const secrets = { next: newSecret(), old: newSecret() };

interface Seen {
  events: Map<string, DeliveryEvent[]>;
  refused: Map<string, number>;
}

async function startReceivingApp(): Promise<{ server: Server; url: string; seen: Seen }> {
  const verifiers = {
    '/old': createNodeVerifier({ secrets: secrets.old }),
    '/new': createNodeVerifier({ secrets: [secrets.next] }),
    '/gone': createNodeVerifier({ secrets: secrets.old }),
  };
  const seen: Seen = { events: new Map(), refused: new Map() };
  const server = createServer((req, res) => {
    const path = (req.url ?? '') as keyof typeof verifiers;
    const verify = verifiers[path];
    if (!verify) return void res.writeHead(404).end();
    void verify(req, res).then((event) => {
      if (!event) {
        seen.refused.set(path, (seen.refused.get(path) ?? 0) + 1);
        return;
      }
      seen.events.set(path, [...(seen.events.get(path) ?? []), event]);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('signed deliveries through the built gateway and consumer to an app using @mq/receiver', () => {
  const id = randomUUID();
  const topic = `t.${id}`;
  const queues = { old: `t.${id}.old`, new: `t.${id}.new`, gone: `t.${id}.gone` };
  let app: Awaited<ReturnType<typeof startReceivingApp>>;
  let gateway: AppProcess;
  let consumer: AppProcess;

  beforeAll(async () => {
    app = await startReceivingApp();
    const retry = { maxAttempts: 2, initialDelayMs: 500, maxDelayMs: 500, multiplier: 2 };
    const subscription = (queue: string, path: string, env: string[]) => ({
      queue, bind: [{ topic }], retry, deliver: { url: `${app.url}${path}`, timeoutMs: 5000, signing: { env } },
    });
    const config = {
      topics: { [topic]: { exchange: topic, routingKey: 'signed.created' } },
      subscriptions: {
        old: subscription(queues.old, '/old', ['SIGNING_SECRET_NEW', 'SIGNING_SECRET_OLD']),
        new: subscription(queues.new, '/new', ['SIGNING_SECRET_NEW', 'SIGNING_SECRET_OLD']),
        gone: subscription(queues.gone, '/gone', ['SIGNING_SECRET_NEW']),
      },
    };
    const env = { SIGNING_SECRET_NEW: secrets.next, SIGNING_SECRET_OLD: secrets.old };
    [consumer, gateway] = await Promise.all([startApp('consumer', { config, env }), startApp('gateway', { config })]);
  });

  afterAll(async () => {
    await stopAllApps();
    app?.server.closeAllConnections();
    app?.server.close();
    const broker = new Connection({ url: AMQP_URL, retryLow: 100, retryHigh: 500 });
    broker.on('error', () => undefined);
    for (const queue of Object.values(queues)) {
      for (const name of [queue, `${queue}.retry.500`, `${queue}.dlq`]) await broker.queueDelete({ queue: name }).catch(() => undefined);
    }
    await broker.exchangeDelete({ exchange: topic }).catch(() => undefined);
    await broker.close();
  });

  it('verifies with the old or the new secret during a rotation, and parks what the app refuses', async () => {
    const published: string[] = [];
    for (const n of [1, 2, 3]) {
      const response = await fetch(`${gateway.url}/v1/topics/${topic}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        body: JSON.stringify({ n }),
      });
      expect(response.status).toBe(202);
      published.push(((await response.json()) as { id: string }).id);
    }

    for (const path of ['/old', '/new']) {
      await expect.poll(() => (app.seen.events.get(path) ?? []).map((e) => e.id).sort(), { timeout: 20_000 }).toEqual([...published].sort());
      for (const event of app.seen.events.get(path)!) {
        expect(event).toMatchObject({ type: 'signed.created', source: `/topics/${topic}`, datacontenttype: 'application/json', attempt: 1 });
        expect(event.data).toEqual({ n: published.indexOf(event.id) + 1 });
        expect(event.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      }
    }

    // 401 is not retryable: each message is parked at once, with the app's problem as the reason.
    const parked = async () => {
      const response = await fetch(`${consumer.url}/v1/subscriptions/gone/dead-letters`);
      return ((await response.json()) as { messages: Array<{ id: string; lastError: string; parkedReason: string }> }).messages;
    };
    await expect.poll(async () => (await parked()).map((m) => m.id).sort(), { timeout: 20_000 }).toEqual([...published].sort());
    for (const message of await parked()) {
      expect(message.parkedReason).toBe('unrecoverable');
      expect(message.lastError).toMatch(/HTTP 401: .*"code":"SIGNATURE_INVALID"/);
    }
    expect(app.seen.refused.get('/gone')).toBe(3);
    expect(app.seen.events.get('/gone')).toBeUndefined();
  });
});
