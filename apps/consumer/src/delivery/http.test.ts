import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RetryLaterError, UnrecoverableError } from '@mq/mq';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeliveryAgent, createHttpDelivery, createHttpProbe } from './http.js';
import { createSigner } from './signing.js';
import { testMessage } from './test-message.js';
import { DeliveryError } from './types.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const dispatcher = createDeliveryAgent({ keepAliveTimeout: 1000 });
const received: Received[] = [];
/** How the test app answers; each test sets its own. */
let respond: (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      respond(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await dispatcher.close();
});
beforeEach(() => {
  received.length = 0;
  respond = (_req, res) => res.writeHead(204).end();
});

const answer = (status: number, headers: Record<string, string> = {}, body = '') => {
  respond = (_req, res) => res.writeHead(status, headers).end(body);
};

const deliveryTo = (path: string, timeoutMs = 2000) =>
  createHttpDelivery({ url: `${base}${path}`, timeoutMs, dispatcher, source: () => '/topics/orders', maxRetryAfterMs: 10_000 });

describe('HTTP delivery', () => {
  it('POSTs a CloudEvents binary-mode request and resolves on 2xx', async () => {
    await deliveryTo('/orders')(testMessage({ attempt: 2, headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }));
    const [got] = received;
    expect(got).toMatchObject({ method: 'POST', path: '/orders', body: '{"n":1}' });
    expect(got!.headers).toMatchObject({
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'm-1',
      'ce-type': 'order.created',
      'ce-source': '/topics/orders',
      'ce-time': '2026-01-01T00:00:00.000Z',
      'x-delivery-attempt': '2',
    });
    expect(got!.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  });

  it('retries 5xx, 408 and 429 and honours Retry-After up to the cap', async () => {
    answer(503);
    const plain = await deliveryTo('/x')(testMessage()).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(DeliveryError);
    expect(plain).toMatchObject({ errorType: '503' });
    answer(429, { 'retry-after': '3' });
    const later = await deliveryTo('/x')(testMessage()).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(RetryLaterError);
    expect((later as RetryLaterError).delayMs).toBe(3000);
    answer(408, { 'retry-after': '3600' });
    expect(((await deliveryTo('/x')(testMessage()).catch((e: unknown) => e)) as RetryLaterError).delayMs).toBe(10_000);
  });

  it('parks other 4xx at once with the status and the start of the body as the reason', async () => {
    answer(422, { 'content-type': 'application/json', 'retry-after': '1' }, `{"error": "amount\n missing"}${'x'.repeat(5000)}`);
    const parked = await deliveryTo('/x')(testMessage()).catch((e: unknown) => e);
    expect(parked).toBeInstanceOf(UnrecoverableError);
    expect((parked as Error).message).toMatch(/^HTTP 422: \{"error": "amount missing"\}x+$/);
    expect((parked as Error).message.length).toBeLessThan(250);
    answer(404);
    await expect(deliveryTo('/x')(testMessage())).rejects.toThrow(new UnrecoverableError('HTTP 404'));
  });

  it('retries a timeout, a refused connection and a reset connection', async () => {
    respond = (_req, res) => setTimeout(() => res.writeHead(200).end(), 1000);
    await expect(deliveryTo('/slow', 100)(testMessage())).rejects.toMatchObject({ errorType: 'timeout' });
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const refused = createHttpDelivery({ url: `http://127.0.0.1:${port}/`, timeoutMs: 2000, dispatcher, source: () => 's', maxRetryAfterMs: 1 });
    await expect(refused(testMessage())).rejects.toMatchObject({ errorType: 'refused' });
    respond = (req) => req.socket.destroy();
    await expect(deliveryTo('/reset')(testMessage())).rejects.toMatchObject({ errorType: 'reset' });
  });

  it('reads a large 2xx body to its end or drops it with the connection, and still resolves', async () => {
    answer(200, {}, 'x'.repeat(300 * 1024));
    await deliveryTo('/big')(testMessage());
    answer(200, {}, 'y'.repeat(64 * 1024));
    await deliveryTo('/medium')(testMessage());
    expect(received.map((r) => r.path)).toEqual(['/big', '/medium']);
  });

  it('keeps the status when the answer\'s body is cut short or outlasts the timeout', async () => {
    respond = (_req, res) => {
      res.writeHead(500, { 'content-length': '1000' });
      res.write('overloaded, try');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await expect(deliveryTo('/cut')(testMessage())).rejects.toMatchObject({ errorType: '500', message: 'HTTP 500: overloaded, try' });
    respond = (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('accepted');
    };
    await deliveryTo('/slow-body', 100)(testMessage());
    server.closeAllConnections();
  });

  it('times out a delivery still waiting for a free connection and never sends it', async () => {
    const single = createDeliveryAgent({ connections: 1 });
    const to = (path: string, timeoutMs: number) =>
      createHttpDelivery({ url: `${base}${path}`, timeoutMs, dispatcher: single, source: () => 's', maxRetryAfterMs: 1 });
    respond = (req, res) => setTimeout(() => res.writeHead(204).end(), req.url === '/first' ? 300 : 0);
    const first = to('/first', 2000)(testMessage());
    await expect(to('/queued', 100)(testMessage())).rejects.toMatchObject({ errorType: 'timeout' });
    await first;
    await to('/after', 2000)(testMessage());
    expect(received.map((r) => r.path)).toEqual(['/first', '/after']);
    await single.close();
  });

  it('probes with HEAD: a live app is healthy even with 404, a 503 or no answer is not', async () => {
    answer(404);
    expect(await createHttpProbe(`${base}/orders`, 1000, dispatcher)()).toBe(true);
    expect(received.at(-1)?.method).toBe('HEAD');
    answer(503);
    expect(await createHttpProbe(`${base}/orders`, 1000, dispatcher)()).toBe(false);
    expect(await createHttpProbe('http://127.0.0.1:1/', 1000, dispatcher)()).toBe(false);
    respond = () => {}; // never answers: the probe's own timeout ends it (the pool has none)
    expect(await createHttpProbe(`${base}/orders`, 100, dispatcher)()).toBe(false);
    server.closeAllConnections();
  });

  it('signs each attempt with its own timestamp over the exact body sent (deliver.signing)', async () => {
    const key = randomBytes(32);
    const secret = `whsec_${key.toString('base64')}`;
    const deliver = createHttpDelivery({
      url: `${base}/signed`, timeoutMs: 2000, dispatcher, source: () => '/topics/orders', maxRetryAfterMs: 10_000, sign: createSigner([key]),
    });
    const realNow = Date.now;
    try {
      Date.now = () => 1_800_000_000_000;
      await deliver(testMessage({ attempt: 1 }));
      Date.now = () => 1_800_000_042_000;
      await deliver(testMessage({ attempt: 2 }));
    } finally {
      Date.now = realNow;
    }
    const [first, second] = received.map((r) => r.headers as Record<string, string>);
    expect(first).toMatchObject({ 'webhook-id': 'm-1', 'ce-id': 'm-1', 'webhook-timestamp': '1800000000' });
    expect(second).toMatchObject({ 'webhook-id': 'm-1', 'webhook-timestamp': '1800000042' });
    expect(first!['webhook-signature']).not.toBe(second!['webhook-signature']);
    const at = (s: string) => new Date(Number(s) * 1000);
    expect(first!['webhook-signature']).toBe(new Webhook(secret).sign('m-1', at(first!['webhook-timestamp']!), received[0]!.body));
    expect(second!['webhook-signature']).toBe(new Webhook(secret).sign('m-1', at(second!['webhook-timestamp']!), received[1]!.body));
  });

  it('sends no webhook-* headers unsigned, not even ones the message carried', async () => {
    await deliveryTo('/plain')(testMessage({ headers: { 'webhook-signature': 'v1,forged', 'x-kept': 'yes' } }));
    expect(received[0]!.headers).toMatchObject({ 'x-kept': 'yes' });
    expect(Object.keys(received[0]!.headers).filter((name) => name.startsWith('webhook-'))).toEqual([]);
  });
});
