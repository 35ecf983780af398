import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { runAppToExit, startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { createSink, publish, rawConnection, uniqueName, type Sink } from './broker.ts';

const schema = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };

describe('gateway publishing to a real broker', () => {
  let conn: Connection;
  let gateway: AppProcess;
  let orders: Sink;
  let events: Sink;
  const ordersExchange = uniqueName('orders');
  const eventsExchange = uniqueName('events');

  beforeAll(async () => {
    conn = rawConnection();
    orders = await createSink(conn, ordersExchange, 'order.*');
    events = await createSink(conn, eventsExchange, 'ok.*');
    gateway = await startApp('gateway', {
      config: {
        topics: {
          orders: { exchange: ordersExchange, routingKey: 'order.created', schema: 'order.json' },
          events: { exchange: eventsExchange, routingKey: 'ok.default', allowRoutingKey: true },
        },
      },
      files: { 'order.json': JSON.stringify(schema) },
    });
  });

  afterAll(async () => {
    await stopAllApps();
    await orders.dispose();
    await events.dispose();
    await conn.close();
  });

  it('answers 202 after the confirm, and the broker holds the exact message with its properties', async () => {
    const body = JSON.stringify({ orderId: randomUUID(), note: 'héllo' });
    const traceparent = `00-${randomUUID().replaceAll('-', '')}-${'1'.repeat(16)}-01`;
    const res = await publish(gateway.url, 'orders', body, { 'idempotency-key': 'order-42', traceparent });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ id: 'order-42', topic: 'orders' });
    const [message, ...rest] = await orders.drain();
    expect(rest).toHaveLength(0);
    expect(Buffer.isBuffer(message!.body) ? message!.body.toString() : JSON.stringify(message!.body)).toBe(body);
    expect(message).toMatchObject({ messageId: 'order-42', contentType: 'application/json', durable: true, routingKey: 'order.created' });
    expect(message!.timestamp).toBeGreaterThan(0);
    expect(message!.appId).toBeTruthy();
    expect(message!.headers?.traceparent).toMatch(new RegExp(`^00-${traceparent.slice(3, 35)}-`));
  });

  it('answers 404 problem+json for an unknown topic and 422 for a schema violation, storing nothing', async () => {
    const unknown = await publish(gateway.url, 'nope', '{}');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(unknown.json).toMatchObject({ code: 'UNKNOWN_TOPIC' });
    expect((await publish(gateway.url, 'orders', '{"orderId": 1}')).json).toMatchObject({ status: 422, code: 'SCHEMA_VIOLATION' });
    expect(await orders.count()).toBe(0);
  });

  it('keeps the connection after refusing a small unread body, and closes it after a large one', async () => {
    const small = await fetch(`${gateway.url}/v1/topics/nope/messages`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(small.status).toBe(404);
    expect(small.headers.get('connection')).toBe('keep-alive');
    const large = await fetch(`${gateway.url}/v1/topics/nope/messages`, { method: 'POST', body: 'x'.repeat(1024 * 1024) });
    expect(large.status).toBe(404);
    expect(large.headers.get('connection')).toBe('close');
  });

  it('answers 503 UNROUTABLE with Retry-After when no queue matches', async () => {
    const res = await fetch(`${gateway.url}/v1/topics/events/messages?routingKey=nobody.home`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await res.json()).toMatchObject({ code: 'UNROUTABLE' });
  });

  it('publishes a partly unroutable batch in parallel and says exactly which messages were stored', async () => {
    const messages = [
      { data: { n: 0 }, routingKey: 'ok.0' },
      { data: { n: 1 }, routingKey: 'lost.1' },
      { data: { n: 2 } },
      { data: { n: 3 }, routingKey: 'lost.3' },
    ];
    const res = await fetch(`${gateway.url}/v1/topics/events/messages/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; results: Array<{ id: string; status: number; code?: string }> };
    expect(body.code).toBe('BATCH_FAILED');
    expect(body.results.map((r) => [r.status, r.code])).toEqual([[202, undefined], [503, 'UNROUTABLE'], [202, undefined], [503, 'UNROUTABLE']]);
    const stored = await events.drain();
    expect(stored.map((m) => m.messageId).sort()).toEqual([body.results[0]!.id, body.results[2]!.id].sort());

    const ok = await fetch(`${gateway.url}/v1/topics/events/messages/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ data: 1 }, { data: 2 }] }),
    });
    expect(ok.status).toBe(202);
    expect(await events.count()).toBe(2);
  });

  it('serves /metrics, /openapi.json and /docs', async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('mq_connection_state{state="ready"} 1');
    expect(metrics).toMatch(/mq_publish_requests_total\{topic="orders",http_response_status_code="202"\} \d+/);
    expect(metrics).toMatch(/messaging_client_sent_messages_total\{topic="orders",messaging_destination_name="[^"]+"\} \d+/);
    expect(((await (await fetch(`${gateway.url}/openapi.json`)).json()) as { openapi: string }).openapi).toBe('3.1.0');
    expect((await fetch(`${gateway.url}/docs`)).status).toBe(200);
    // The built gateway finds swagger-ui-dist's files (no CDN): the page's script is served locally.
    const script = await fetch(`${gateway.url}/docs/assets/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    await script.body?.cancel();
  });
});

describe('gateway boot with a bad config', () => {
  it.each([
    ['a subscription bound to an unknown topic', { topics: {}, subscriptions: { s: { queue: 'q', bind: [{ topic: 'ghost' }], deliver: { url: 'http://127.0.0.1:1/x' } } } }, {}, /unknown topic "ghost"/],
    ['a missing JSON Schema file', { topics: { t: { exchange: 'x', schema: 'missing.json' } } }, {}, /topics\.t\.schema: cannot read JSON Schema/],
    ['a token whose secret is not set', { topics: { t: { exchange: 'x' } }, auth: { tokens: [{ name: 'a', env: 'T_NOT_SET_TOKEN', publish: ['t'] }] } }, {}, /T_NOT_SET_TOKEN is not set/],
    ['a bad AMQP_URL', { topics: {} }, { AMQP_URL: 'http://nope' }, /AMQP_URL/],
  ])('exits 1 with one clear line: %s', async (_name, config, env, line) => {
    const { code, output } = await runAppToExit('gateway', { config, env });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(line);
  });
});
