import { describe, expect, it } from 'vitest';
import { createHarness, orderSchema } from '../test-fixtures.js';

describe('health', () => {
  it('/livez is always 200; /readyz follows the broker and draining', async () => {
    const h = createHarness();
    expect((await h.request('/livez')).status).toBe(200);
    expect((await h.request('/readyz')).status).toBe(200);
    for (const state of ['connecting', 'blocked', 'closed'] as const) {
      h.broker.state = state;
      const res = await h.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ broker: state });
    }
    h.broker.state = 'ready';
    h.deps.lifecycle.draining = true;
    const res = await h.request('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ draining: true });
  });
});

describe('/metrics', () => {
  it('counts requests by topic and status and reports publish latency and broker state', async () => {
    const h = createHarness();
    await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' });
    await h.request('/v1/topics/nope/messages', { method: 'POST', body: 'x' });
    h.broker.state = 'blocked';
    const res = await h.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('gateway_requests_total{topic="events",status="202"} 1');
    expect(text).toContain('gateway_requests_total{topic="unknown",status="404"} 1');
    expect(text).toContain('gateway_publish_duration_seconds_count{topic="events",outcome="confirmed"} 1');
    expect(text).toContain('gateway_publish_in_flight 0');
    expect(text).toContain('gateway_broker_state{state="blocked"} 1');
    expect(text).toContain('gateway_broker_state{state="ready"} 0');
  });
});

describe('/openapi.json', () => {
  it('documents the publish routes from the validation schemas', async () => {
    const h = createHarness();
    const doc = (await (await h.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const single = doc.paths['/v1/topics/{topic}/messages']!.post!;
    expect(single.parameters!.map((p) => p.name).sort()).toEqual(['idempotency-key', 'routingKey', 'topic', 'traceparent'].sort());
    expect(Object.keys(single.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '404', '413', '415', '422', '429', '503']));
    expect(doc.paths['/v1/topics/{topic}/messages/batch']).toBeDefined();
    expect(doc.components.schemas).toHaveProperty('BatchRequest');
    expect(doc.components.schemas).toHaveProperty('Problem');
  });

  it("documents each topic with the JSON Schema its bodies are checked against", async () => {
    const h = createHarness();
    const doc = (await (await h.request('/openapi.json')).json()) as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }> };
    expect(doc.paths['/v1/topics/orders/messages']!.post.requestBody.content['application/json']!.schema).toEqual(orderSchema);
    expect(Object.keys(doc.paths['/v1/topics/images/messages']!.post.requestBody.content)).toEqual(['image/*']);
  });
});
