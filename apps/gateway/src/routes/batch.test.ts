import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MqError } from '@mq/mq';
import { createHarness, postJson } from '../test-fixtures.js';

const order = () => ({ orderId: randomUUID(), amount: 3 });
const batchPath = '/v1/topics/orders/messages/batch';

describe('POST /v1/topics/{topic}/messages/batch', () => {
  it('publishes every message in parallel and answers 202 with per-message ids', async () => {
    const h = createHarness();
    let concurrent = 0;
    let peak = 0;
    h.publisher.answer = async () => {
      peak = Math.max(peak, ++concurrent);
      await new Promise((resolve) => setImmediate(resolve));
      concurrent -= 1;
    };
    const messages = [{ data: order(), id: 'a' }, { data: order(), headers: { tenant: 'acme', n: 1, ok: true } }, { data: order() }];
    const res = await h.request(batchPath, postJson({ messages }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { topic: string; results: Array<{ id: string; status: number }> };
    expect(body.topic).toBe('orders');
    expect(body.results.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(body.results[0]!.id).toBe('a');
    expect(peak).toBe(3);
    const published = h.publisher.published.find((m) => m.messageId === body.results[1]!.id)!;
    expect(published).toMatchObject({ contentType: 'application/json', headers: { tenant: 'acme', n: 1, ok: true } });
    expect(JSON.parse(published.body.toString())).toEqual(messages[1]!.data);
  });

  it("gives every message the request's trace headers, beside its own", async () => {
    const h = createHarness();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const messages = [{ data: order(), id: 'plain' }, { data: order(), id: 'own', headers: { tenant: 'acme' } }, { data: order(), id: 'plain-2' }];
    expect((await h.request(batchPath, postJson({ messages }, { traceparent }))).status).toBe(202);
    const headersOf = (id: string) => h.publisher.published.find((m) => m.messageId === id)!.headers;
    expect(headersOf('plain')).toEqual({ traceparent });
    expect(headersOf('own')).toEqual({ tenant: 'acme', traceparent });
    expect(headersOf('plain-2')).toEqual({ traceparent });
  });

  it('never answers a partly failed batch with a success status, and says which failed', async () => {
    const h = createHarness();
    h.publisher.answer = (m) => (m.messageId === 'bad' ? Promise.reject(new MqError('UNROUTABLE', 'no queue')) : Promise.resolve());
    const res = await h.request(batchPath, postJson({ messages: [{ data: order(), id: 'good' }, { data: order(), id: 'bad' }] }));
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'BATCH_FAILED', results: [{ id: 'good', status: 202 }, { id: 'bad', status: 503, code: 'UNROUTABLE' }] });
  });

  it('uses the common code when every message failed the same way', async () => {
    const h = createHarness();
    h.publisher.answer = () => Promise.reject(new MqError('NOT_CONNECTED', 'down'));
    const res = await h.request(batchPath, postJson({ messages: [{ data: order() }, { data: order() }] }));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('takes a routing key per message where the topic allows it', async () => {
    const h = createHarness();
    const res = await h.request('/v1/topics/events/messages/batch?routingKey=ev.default', postJson({ messages: [{ data: 1 }, { data: 2, routingKey: 'ev.two' }] }));
    expect(res.status).toBe(202);
    expect(h.publisher.published.map((m) => m.routingKey).sort()).toEqual(['ev.default', 'ev.two']);
  });

  describe('rejects the whole batch, publishing nothing', () => {
    const tooMany = { messages: Array.from({ length: 6 }, () => ({ data: order() })) };
    const cases: Array<[string, unknown, number, string]> = [
      ['malformed JSON', '{"messages": [', 400, 'MALFORMED_JSON'],
      ['no messages', { messages: [] }, 400, 'INVALID_REQUEST'],
      ['a message without data', { messages: [{ id: 'x' }] }, 400, 'INVALID_REQUEST'],
      ['an unknown member', { messages: [{ data: 1, extra: 1 }] }, 400, 'INVALID_REQUEST'],
      ['more messages than allowed', tooMany, 413, 'BATCH_TOO_LARGE'],
      ['an x- header', { messages: [{ data: order(), headers: { 'x-death': 'a' } }] }, 400, 'INVALID_HEADER'],
      ['a header value with a newline', { messages: [{ data: order(), headers: { a: 'b\r\nc' } }] }, 400, 'INVALID_HEADER'],
      ['an object header value', { messages: [{ data: order(), headers: { a: { b: 1 } } }] }, 400, 'INVALID_HEADER'],
      ['a bad id', { messages: [{ data: order(), id: '' }] }, 400, 'INVALID_IDEMPOTENCY_KEY'],
      ['a routing key where the topic allows none', { messages: [{ data: order(), routingKey: 'a' }] }, 400, 'ROUTING_KEY_NOT_ALLOWED'],
      ['a wildcard routing key', { messages: [{ data: order(), routingKey: 'a.*' }] }, 400, 'INVALID_ROUTING_KEY'],
      ['a repeated id', { messages: [{ data: order(), id: 'a' }, { data: order(), id: 'a' }] }, 400, 'DUPLICATE_MESSAGE_ID'],
      ['one schema violation', { messages: [{ data: order() }, { data: { orderId: 1 } }] }, 422, 'SCHEMA_VIOLATION'],
      ['one message over the topic limit', { messages: [{ data: { ...order(), pad: 'x'.repeat(1100) } }] }, 413, 'PAYLOAD_TOO_LARGE'],
      ['a body over batchMaxBytes', { messages: [{ data: order(), pad: 'x'.repeat(5000) }] }, 413, 'PAYLOAD_TOO_LARGE'],
    ];
    it.each(cases)('%s', async (_name, body, status, code) => {
      const h = createHarness();
      const res = await h.request(batchPath, postJson(body));
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ code });
      expect(h.publisher.published).toHaveLength(0);
    });

    it('a non-JSON batch body', async () => {
      const h = createHarness();
      const res = await h.request(batchPath, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_CONTENT_TYPE' });
    });

    it('a batch to a topic that does not take JSON', async () => {
      const h = createHarness();
      const res = await h.request('/v1/topics/images/messages/batch', postJson({ messages: [{ data: 1 }] }));
      expect(res.status).toBe(415);
    });

    it('reports the index of the violating message', async () => {
      const h = createHarness();
      const res = await h.request(batchPath, postJson({ messages: [{ data: order() }, { data: { orderId: randomUUID() } }] }));
      expect(await res.json()).toMatchObject({ errors: [{ index: 1, pointer: '/' }] });
    });
  });
});
