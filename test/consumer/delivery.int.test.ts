// The consumer process against the real broker and the real sample app: what the app receives,
// and what each class of answer does to the message (CONTRACT.md "Consumer delivery").
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../helpers/processes.ts';
import { consumerConfig, control, fastRetry, metricValue, publish, receivedBy, useConsumerTest, type Received } from './support.ts';

const { conn, names } = useConsumerTest();
const path = `/deliveries/${randomUUID()}`;
let sample: AppProcess;
let consumer: AppProcess;

beforeAll(async () => {
  sample = await startApp('sample-app');
  consumer = await startApp('consumer', { config: consumerConfig(names, { url: `${sample.url}${path}`, timeoutMs: 1000 }) });
});
const send = (messageId: string | undefined, body = `{"id":"${messageId}"}`, extra: object = {}) =>
  publish(conn, { exchange: names.exchange, routingKey: 'order.created', ...(messageId ? { messageId } : {}), contentType: 'application/json', ...extra }, body);

/** Deliveries of one message id, in arrival order. */
const deliveriesOf = async (id: string): Promise<Received[]> => (await receivedBy(sample, path)).filter((r) => r.headers['ce-id'] === id);

interface Parked {
  id: string;
  attempts: number;
  lastError: string;
  originalRoutingKey: string;
}
const parked = async (): Promise<Parked[]> => {
  const response = await fetch(`${consumer.url}/v1/subscriptions/${names.subscription}/dead-letters`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: Parked[] }).messages;
};

describe('consumer delivery', () => {
  it('delivers a message from a plain AMQP client with no project headers and no id', async () => {
    const marker = randomUUID();
    await publish(conn, { exchange: names.exchange, routingKey: 'order.created' }, `plain ${marker}`);
    await expect.poll(async () => (await receivedBy(sample, path)).filter((r) => r.body === `plain ${marker}`).length, { timeout: 15_000 }).toBe(1);
    const got = (await receivedBy(sample, path)).find((r) => r.body === `plain ${marker}`)!;
    expect(got.contentType).toBe('application/octet-stream');
    expect(got.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-type': 'order.created',
      'ce-source': `/topics/${names.topic}`,
      'x-delivery-attempt': '1',
    });
    expect(got.headers['ce-id']).toMatch(/\S{8,}/);
    expect(Number.isNaN(Date.parse(got.headers['ce-time']!))).toBe(false);
    expect(got.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('delivers the exact body, content type, id and application headers, in the trace of the message', async () => {
    const id = randomUUID();
    const traceId = randomUUID().replaceAll('-', '');
    await send(id, '{"total": 12.5, "items": ["a"]}', { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-tenant': 'acme' } });
    await expect.poll(() => deliveriesOf(id), { timeout: 15_000 }).toHaveLength(1);
    const [got] = await deliveriesOf(id);
    expect(got).toMatchObject({ body: '{"total": 12.5, "items": ["a"]}', contentType: 'application/json' });
    expect(got!.headers.traceparent).toContain(`00-${traceId}-`);
    expect(got!.headers['x-tenant']).toBe('acme');
  });

  it.each([
    ['500', { status: 500 }],
    ['503', { status: 503 }],
    ['408', { status: 408 }],
    ['429', { status: 429 }],
    ['a timeout', { delayMs: 2500 }],
    ['a dropped connection', { reset: true }],
  ])('retries after %s and acks the 2xx that follows', async (_name, rule) => {
    const id = randomUUID();
    await control(sample, { ceId: id, count: 1, ...rule });
    await send(id);
    await expect.poll(async () => (await deliveriesOf(id)).length, { timeout: 20_000 }).toBe(2);
    const attempts = (await deliveriesOf(id)).map((r) => r.headers['x-delivery-attempt']);
    expect(attempts).toEqual(['1', '2']);
    expect((await parked()).some((p) => p.id === id)).toBe(false);
  });

  it.each([400, 401, 403, 404, 409, 410, 422])('parks at once on %i, with the status in the reason', async (status) => {
    const id = randomUUID();
    await control(sample, { ceId: id, status });
    await send(id);
    await expect.poll(async () => (await parked()).find((p) => p.id === id), { timeout: 15_000 }).toMatchObject({
      attempts: 1,
      originalRoutingKey: 'order.created',
      lastError: expect.stringContaining(`HTTP ${status}`),
    });
    expect(await deliveriesOf(id)).toHaveLength(1);
  });

  it('honours Retry-After on a 503', async () => {
    const id = randomUUID();
    await control(sample, { ceId: id, status: 503, retryAfter: 1, count: 1 });
    await send(id);
    await expect.poll(async () => (await deliveriesOf(id)).length, { timeout: 15_000 }).toBe(2);
    const [first, second] = await deliveriesOf(id);
    // the policy alone would wait 300 ms; Retry-After asks for 1 s
    expect(Date.parse(second!.time) - Date.parse(first!.time)).toBeGreaterThanOrEqual(950);
  });

  it('retries with growing delays, then parks the message with its history', async () => {
    const id = randomUUID();
    await control(sample, { ceId: id, status: 500 });
    await send(id);
    await expect.poll(async () => (await parked()).find((p) => p.id === id), { timeout: 20_000 }).toMatchObject({
      attempts: fastRetry.maxAttempts,
      lastError: expect.stringContaining('HTTP 500'),
    });
    const times = (await deliveriesOf(id)).map((r) => Date.parse(r.time));
    expect(times).toHaveLength(3);
    const gaps = [times[1]! - times[0]!, times[2]! - times[1]!];
    // 300 ms then 600 ms by the policy; broker TTL expiry and a busy machine only add to it
    expect(gaps[0]).toBeGreaterThanOrEqual(280);
    expect(gaps[1]).toBeGreaterThanOrEqual(580);
    expect(gaps[1]).toBeLessThan(10_000);
  });

  it('delivers a duplicate message id once and counts the duplicate', async () => {
    const id = randomUUID();
    await send(id);
    await expect.poll(() => deliveriesOf(id), { timeout: 15_000 }).toHaveLength(1);
    const before = (await metricValue(consumer, 'messaging_client_consumed_messages_total', { outcome: 'duplicate' })) ?? 0;
    await send(id);
    await expect
      .poll(() => metricValue(consumer, 'messaging_client_consumed_messages_total', { outcome: 'duplicate' }), { timeout: 15_000 })
      .toBe(before + 1);
    expect(await deliveriesOf(id)).toHaveLength(1);
  });

  it('shows deliveries, durations and queue depths on /metrics', async () => {
    const labels = { subscription: names.subscription };
    expect(await metricValue(consumer, 'messaging_client_consumed_messages_total', { ...labels, outcome: 'done' })).toBeGreaterThan(0);
    expect(await metricValue(consumer, 'messaging_process_duration_seconds_count', { ...labels, outcome: 'done' })).toBeGreaterThan(0);
    expect(await metricValue(consumer, 'mq_queue_messages', labels)).toBeGreaterThanOrEqual(0);
    expect(await metricValue(consumer, 'mq_dead_letter_messages', labels)).toBeGreaterThan(0); // the parked ones above
    expect(await metricValue(consumer, 'mq_circuit_open', labels)).toBe(0);
    expect(await metricValue(consumer, 'mq_in_flight_operations', labels)).toBeGreaterThanOrEqual(0);
  });
});
