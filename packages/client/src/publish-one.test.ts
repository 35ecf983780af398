import { describe, expect, it } from 'vitest';
import { createPublisher, PublishError } from './index.js';
import { accepted, fakeGateway, problem, virtualClock, type Answer } from './test-fakes.js';

function setup(answers: Answer[], retry = {}, random = 1) {
  const clock = virtualClock(random);
  const gateway = fakeGateway(answers, clock);
  const publisher = createPublisher({ url: 'http://gw.test/', fetch: gateway.fetch, clock, retry: { initialDelayMs: 100, maxDelayMs: 1000, deadlineMs: 10_000, ...retry } });
  return { clock, gateway, publisher };
}

async function rejection(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

describe('publish(): which failures are retried', () => {
  it.each([503, 429])('retries %i with the same id until a 202', async (status) => {
    const { gateway, publisher } = setup([problem(status, 'NOT_CONNECTED'), problem(status, 'NOT_CONNECTED'), (r) => accepted(r.headers['idempotency-key']!)]);
    const result = await publisher.publish('orders', { a: 1 });
    expect(gateway.seen).toHaveLength(3);
    const ids = gateway.seen.map((r) => r.headers['idempotency-key']);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.id).toBe(ids[0]);
    expect(gateway.seen.map((r) => r.body)).toEqual(Array(3).fill('{"a":1}'));
  });

  it('retries network errors and keeps the caller id', async () => {
    const { gateway, publisher } = setup([new TypeError('fetch failed'), new TypeError('fetch failed'), accepted('mine')]);
    await expect(publisher.publish('orders', 'x', { id: 'mine' })).resolves.toEqual({ id: 'mine', topic: 'orders' });
    expect(gateway.seen.map((r) => r.headers['idempotency-key'])).toEqual(['mine', 'mine', 'mine']);
  });

  it.each([400, 401, 403, 404, 413, 415, 422, 500])('never retries %i and throws its problem', async (status) => {
    const { gateway, publisher } = setup([problem(status, 'SOME_CODE'), accepted('x')]);
    const error = await rejection(publisher.publish('orders', { a: 1 }, { id: 'k1' }));
    expect(gateway.seen).toHaveLength(1);
    expect(error).toMatchObject({ code: 'SOME_CODE', status, retryable: false, id: 'k1', attempts: 1 });
    expect(error.problem).toMatchObject({ code: 'SOME_CODE', detail: 'SOME_CODE detail' });
  });

  it('an answer that is not problem+json is UNEXPECTED_RESPONSE', async () => {
    const { publisher } = setup([new Response('<html>bad gateway</html>', { status: 502 })]);
    const error = await rejection(publisher.publish('orders', 1));
    expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 502, retryable: false });
  });

  it('retry: false sends once but still says the failure was retryable', async () => {
    const clock = virtualClock();
    const gateway = fakeGateway([problem(503, 'BLOCKED'), accepted('x')], clock);
    const publisher = createPublisher({ url: 'http://gw.test', fetch: gateway.fetch, clock, retry: false });
    const error = await rejection(publisher.publish('orders', 1));
    expect(gateway.seen).toHaveLength(1);
    expect(error).toMatchObject({ code: 'BLOCKED', status: 503, retryable: true, attempts: 1 });
  });
});

describe('publish(): backoff, Retry-After and the deadline', () => {
  it('backs off exponentially up to maxDelayMs, with full jitter', async () => {
    const { clock } = await (async () => {
      const s = setup([problem(503, 'X'), problem(503, 'X'), problem(503, 'X'), problem(503, 'X'), problem(503, 'X'), accepted('x')]);
      await s.publisher.publish('orders', 1);
      return s;
    })();
    expect(clock.sleeps).toEqual([100, 200, 400, 800, 1000]);
    const half = setup([problem(503, 'X'), problem(503, 'X'), accepted('x')], {}, 0.5);
    await half.publisher.publish('orders', 1);
    expect(half.clock.sleeps).toEqual([50, 100]);
  });

  it('waits at least Retry-After given in seconds', async () => {
    const { clock, gateway, publisher } = setup([problem(503, 'NOT_CONNECTED', { 'retry-after': '3' }), accepted('x')]);
    await publisher.publish('orders', 1);
    expect(clock.sleeps).toEqual([3000]);
    expect(gateway.seen[1]!.at - gateway.seen[0]!.at).toBe(3000);
  });

  it('waits until a Retry-After HTTP-date', async () => {
    const clock = virtualClock();
    const at = new Date(clock.now() + 7000).toUTCString();
    const gateway = fakeGateway([problem(429, 'RATE_LIMITED', { 'retry-after': at }), accepted('x')], clock);
    const publisher = createPublisher({ url: 'http://gw.test', fetch: gateway.fetch, clock, retry: { initialDelayMs: 100 } });
    await publisher.publish('orders', 1);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('gives up with the last error when the next wait would pass the deadline', async () => {
    const { clock, gateway, publisher } = setup([problem(503, 'PUBLISH_TIMEOUT')], { deadlineMs: 1000 });
    const error = await rejection(publisher.publish('orders', 1, { id: 'same' }));
    // Waits 100 + 200 + 400 = 700 ms; the next (800) would end at 1500 > 1000.
    expect(clock.sleeps).toEqual([100, 200, 400]);
    expect(gateway.seen).toHaveLength(4);
    expect(error).toMatchObject({ code: 'PUBLISH_TIMEOUT', status: 503, retryable: true, attempts: 4, id: 'same' });
  });

  it('does not wait for a Retry-After longer than the time left', async () => {
    const { clock, gateway, publisher } = setup([problem(503, 'BLOCKED', { 'retry-after': '60' })], { deadlineMs: 5000 });
    const error = await rejection(publisher.publish('orders', 1));
    expect(clock.sleeps).toEqual([]);
    expect(gateway.seen).toHaveLength(1);
    expect(error.code).toBe('BLOCKED');
  });

  it('an attempt that hangs past timeoutMs is a retryable TIMEOUT', async () => {
    const hang = (_url: string, init: RequestInit) => new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    const publisher = createPublisher({ url: 'http://gw.test', fetch: hang, timeoutMs: 20, retry: false });
    const error = await rejection(publisher.publish('orders', 1));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true, status: undefined });
  });

  it('the caller aborting an attempt in flight is ABORTED, not retried', async () => {
    const controller = new AbortController();
    let calls = 0;
    const hang = (_url: string, init: RequestInit) => {
      calls++;
      queueMicrotask(() => controller.abort(new Error('caller gave up')));
      return new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    };
    const publisher = createPublisher({ url: 'http://gw.test', fetch: hang, clock: virtualClock() });
    const error = await rejection(publisher.publish('orders', 1, { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'ABORTED', retryable: false, attempts: 1 });
    expect(calls).toBe(1);
  });

  it('the caller aborting stops the retries with ABORTED', async () => {
    const controller = new AbortController();
    const clock = { ...virtualClock(), sleep: () => (controller.abort(), Promise.reject(new Error('aborted'))) };
    const gateway = fakeGateway([problem(503, 'X')]);
    const publisher = createPublisher({ url: 'http://gw.test', fetch: gateway.fetch, clock });
    const error = await rejection(publisher.publish('orders', 1, { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'ABORTED', retryable: false, attempts: 1 });
  });
});

describe('publish(): the request', () => {
  it('sends the body, content type, token, routing key, headers and trace context', async () => {
    const { gateway, publisher } = setup([accepted('x')]);
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await publisher.publish('orders', 'hello', { id: 'i1', routingKey: 'order.paid', contentType: 'text/csv', traceparent: tp, headers: { 'x-extra': 'y' } });
    const [request] = gateway.seen;
    expect(request!.url).toBe('http://gw.test/v1/topics/orders/messages?routingKey=order.paid');
    expect(request!.headers).toMatchObject({ 'content-type': 'text/csv', 'idempotency-key': 'i1', traceparent: tp, 'x-extra': 'y' });
    expect(request!.body).toBe('hello');
    const withToken = createPublisher({ url: 'http://gw.test', token: 's3cret', fetch: gateway.fetch });
    await withToken.publish('orders', new Uint8Array([104, 105]));
    expect(gateway.seen[1]!.headers).toMatchObject({ authorization: 'Bearer s3cret', 'content-type': 'application/octet-stream' });
    expect(gateway.seen[1]!.body).toBe('hi');
  });

  it('rejects a bad URL or retry option at once', () => {
    expect(() => createPublisher({ url: 'not a url' })).toThrow();
    expect(() => createPublisher({ url: 'http://x', retry: { deadlineMs: -1 } })).toThrow(/deadlineMs/);
  });
});
