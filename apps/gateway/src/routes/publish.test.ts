import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MqError } from '@mq/mq';
import { createHarness, postJson } from '../test-fixtures.js';

const order = () => ({ orderId: randomUUID(), amount: 12.5 });

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: 'about:blank' });
  return body;
}

describe('POST /v1/topics/{topic}/messages', () => {
  it('publishes persistent JSON with the Idempotency-Key as id and answers 202 after the confirm', async () => {
    const h = createHarness();
    const body = JSON.stringify(order());
    const res = await h.request('/v1/topics/orders/messages', postJson(body, { 'idempotency-key': 'order-1' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: 'order-1', topic: 'orders' });
    expect(h.publisher.published).toHaveLength(1);
    expect(h.publisher.published[0]).toMatchObject({ exchange: 'orders', routingKey: 'order.created', contentType: 'application/json', messageId: 'order-1' });
    expect(h.publisher.published[0]!.body.toString()).toBe(body);
  });

  it('generates sortable ids when no Idempotency-Key is sent', async () => {
    const h = createHarness();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.request('/v1/topics/events/messages', { method: 'POST', body: `e${i}`, headers: { 'content-type': 'text/plain' } });
      ids.push(((await res.json()) as { id: string }).id);
    }
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });

  it('publishes any content type byte for byte, defaulting to application/octet-stream', async () => {
    const h = createHarness();
    const bytes = new Uint8Array([0, 255, 1, 254]);
    expect((await h.request('/v1/topics/events/messages', { method: 'POST', body: bytes })).status).toBe(202);
    expect(h.publisher.published[0]!.contentType).toBe('application/octet-stream');
    expect([...h.publisher.published[0]!.body]).toEqual([...bytes]);
  });

  it('carries a valid traceparent into the headers and drops an invalid one', async () => {
    const h = createHarness();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x', headers: { traceparent, tracestate: 'a=b' } });
    await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x', headers: { traceparent: 'garbage' } });
    expect(h.publisher.published[0]!.headers).toEqual({ traceparent, tracestate: 'a=b' });
    expect(h.publisher.published[1]!.headers).toEqual({});
  });

  it('uses ?routingKey= only where the topic allows it', async () => {
    const h = createHarness();
    expect((await h.request('/v1/topics/events/messages?routingKey=ev.special', { method: 'POST', body: 'x' })).status).toBe(202);
    expect(h.publisher.published[0]!.routingKey).toBe('ev.special');
    await expectProblem(await h.request('/v1/topics/orders/messages?routingKey=x', postJson(order())), 400, 'ROUTING_KEY_NOT_ALLOWED');
    await expectProblem(await h.request('/v1/topics/events/messages?routingKey=a.%23', { method: 'POST', body: 'x' }), 400, 'INVALID_ROUTING_KEY');
    expect(h.publisher.published).toHaveLength(1);
  });

  describe('rejects, publishing nothing', () => {
    const cases: Array<[string, string, RequestInit, number, string]> = [
      ['an unknown topic', '/v1/topics/nope/messages', postJson({}), 404, 'UNKNOWN_TOPIC'],
      ['a bad topic name', '/v1/topics/%2e%2e%2fx/messages', postJson({}), 400, 'INVALID_TOPIC_NAME'],
      ['malformed JSON', '/v1/topics/orders/messages', postJson('{"orderId":'), 400, 'MALFORMED_JSON'],
      ['malformed JSON without a schema', '/v1/topics/events/messages', postJson('nope'), 400, 'MALFORMED_JSON'],
      ['invalid UTF-8 in JSON', '/v1/topics/events/messages', { method: 'POST', body: new Uint8Array([0x22, 0xff, 0x22]), headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON'],
      ['a schema violation', '/v1/topics/orders/messages', postJson({ orderId: 'not-a-uuid', amount: -1 }), 422, 'SCHEMA_VIOLATION'],
      ['non-JSON on a schema topic', '/v1/topics/orders/messages', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_CONTENT_TYPE'],
      ['a content type the topic does not list', '/v1/topics/images/messages', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_CONTENT_TYPE'],
      ['a malformed content type', '/v1/topics/events/messages', { method: 'POST', body: 'x', headers: { 'content-type': 'nonsense' } }, 415, 'UNSUPPORTED_CONTENT_TYPE'],
      ['a gzip-coded body', '/v1/topics/events/messages', { method: 'POST', body: 'x', headers: { 'content-encoding': 'gzip' } }, 415, 'UNSUPPORTED_CONTENT_ENCODING'],
      ['a too large declared body', '/v1/topics/orders/messages', postJson({ orderId: 'x'.repeat(2000) }), 413, 'PAYLOAD_TOO_LARGE'],
      ['an Idempotency-Key with spaces', '/v1/topics/events/messages', { method: 'POST', body: 'x', headers: { 'idempotency-key': 'a b' } }, 400, 'INVALID_IDEMPOTENCY_KEY'],
      ['an over-long Idempotency-Key', '/v1/topics/events/messages', { method: 'POST', body: 'x', headers: { 'idempotency-key': 'k'.repeat(256) } }, 400, 'INVALID_IDEMPOTENCY_KEY'],
      ['an unknown route', '/v1/nothing', { method: 'POST', body: 'x' }, 404, 'NOT_FOUND'],
      ['a GET on the publish path', '/v1/topics/orders/messages', { method: 'GET' }, 404, 'NOT_FOUND'],
    ];
    it.each(cases)('%s', async (_name, path, init, status, code) => {
      const h = createHarness();
      await expectProblem(await h.request(path, init), status, code);
      expect(h.publisher.published).toHaveLength(0);
    });

    it('a streamed body over the limit, before buffering it whole', async () => {
      const h = createHarness();
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          if (pulled > 10_000) controller.close(); // 10 MB if nobody stops reading
          else controller.enqueue(new Uint8Array(1024).fill(120));
        },
      });
      const res = await h.request('/v1/topics/events/messages', { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'text/plain' } });
      await expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(pulled).toBeLessThan(10);
      expect(h.publisher.published).toHaveLength(0);
    });

    it('lists the schema issues with JSON pointers', async () => {
      const h = createHarness();
      const body = await expectProblem(await h.request('/v1/topics/orders/messages', postJson({ orderId: randomUUID(), amount: -1 })), 422, 'SCHEMA_VIOLATION');
      expect(body.errors).toEqual([{ pointer: '/amount', message: 'must be >= 0' }]);
    });
  });

  describe('maps broker failures to 503 with Retry-After', () => {
    it.each(['NOT_CONNECTED', 'BLOCKED', 'PUBLISH_TIMEOUT', 'OVERLOADED', 'UNROUTABLE', 'PUBLISH_NACKED', 'CLOSED'] as const)('%s', async (code) => {
      const h = createHarness();
      h.publisher.answer = () => Promise.reject(new MqError(code, 'boom'));
      const res = await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' });
      await expectProblem(res, 503, code);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('refuses before reading the body while the broker is blocked or closed', async () => {
      const h = createHarness();
      h.broker.state = 'blocked';
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(1024));
        },
      });
      const init = { method: 'POST', body, duplex: 'half' } as RequestInit;
      await expectProblem(await h.request('/v1/topics/events/messages', init), 503, 'BLOCKED');
      expect(pulled).toBeLessThanOrEqual(1); // at most the stream's own first pull: nothing was read
      h.broker.state = 'closed';
      await expectProblem(await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' }), 503, 'NOT_CONNECTED');
      expect(h.publisher.published).toHaveLength(0);
    });

    it('refuses new publishes with DRAINING after SIGTERM', async () => {
      const h = createHarness();
      h.deps.lifecycle.draining = true;
      const res = await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' });
      await expectProblem(res, 503, 'DRAINING');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('connection')).toBe('close');
      expect(h.publisher.published).toHaveLength(0);
    });

    it('answers PUBLISH_TIMEOUT when the publisher never answers', async () => {
      const h = createHarness();
      h.publisher.answer = () => new Promise(() => undefined);
      await expectProblem(await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' }), 503, 'PUBLISH_TIMEOUT');
    });

    it('refuses with OVERLOADED beyond maxInFlight concurrent publishes', async () => {
      const h = createHarness();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      h.publisher.answer = () => gate;
      const pending = Array.from({ length: 4 }, () => h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' }));
      await expect.poll(() => h.deps.publish.active).toBe(4);
      await expectProblem(await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' }), 503, 'OVERLOADED');
      release();
      expect((await Promise.all(pending)).map((r) => r.status)).toEqual([202, 202, 202, 202]);
      expect(h.deps.publish.active).toBe(0);
    });
  });
});
