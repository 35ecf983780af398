import { MqError } from '@mq/mq';
import { describe, expect, it, vi } from 'vitest';
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
    expect(text).toContain('mq_publish_requests_total{topic="events",http_response_status_code="202"} 1');
    expect(text).toContain('mq_publish_requests_total{topic="unknown",http_response_status_code="404"} 1');
    expect(text).toContain(
      'messaging_client_operation_duration_seconds_count{topic="events",messaging_destination_name="events",messaging_operation_name="publish"} 1',
    );
    expect(text).toContain('messaging_client_sent_messages_total{topic="events",messaging_destination_name="events"} 1');
    expect(text).toContain('mq_in_flight_operations{messaging_operation_name="publish"} 0');
    expect(text).toContain('mq_connection_state{state="blocked"} 1');
    expect(text).toContain('mq_connection_state{state="ready"} 0');
    expect(text).not.toContain('gateway_');
  });

  it('shows publishes awaiting a confirm as in flight, and counts each scrape only once', async () => {
    const h = createHarness();
    let confirm = () => undefined as void;
    h.publisher.answer = () => new Promise<void>((resolve) => (confirm = resolve));
    const pending = h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' });
    await vi.waitFor(async () => expect(await (await h.request('/metrics')).text()).toContain('mq_in_flight_operations{messaging_operation_name="publish"} 1'));
    confirm();
    expect((await pending).status).toBe(202);
    const text = await (await h.request('/metrics')).text();
    expect(text).toContain('mq_in_flight_operations{messaging_operation_name="publish"} 0');
    expect(text).toContain('messaging_client_sent_messages_total{topic="events",messaging_destination_name="events"} 1');
    expect(await (await h.request('/metrics')).text()).toContain('mq_publish_requests_total{topic="events",http_response_status_code="202"} 1');
  });

  it('counts a refusal under its topic from the path, and nothing outside /v1/topics/', async () => {
    const h = createHarness();
    await h.request('/v1/topics/events/elsewhere', { method: 'POST', body: 'x' });
    await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' }, '203.0.113.9');
    await h.request('/v1/nothing', { method: 'POST', body: 'x' });
    const text = await (await h.request('/metrics')).text();
    expect(text).toContain('mq_publish_requests_total{topic="events",http_response_status_code="404"} 1');
    expect(text).toContain('mq_publish_requests_total{topic="events",http_response_status_code="403"} 1');
    expect(text.match(/^mq_publish_requests_total\{/gm)).toHaveLength(2);
  });

  it('labels a failed publish with its MqError code as error_type', async () => {
    const h = createHarness();
    h.publisher.answer = () => Promise.reject(new MqError('PUBLISH_NACKED', 'nacked'));
    expect((await h.request('/v1/topics/events/messages', { method: 'POST', body: 'x' })).status).toBe(503);
    const text = await (await h.request('/metrics')).text();
    expect(text).toContain('messaging_client_sent_messages_total{topic="events",messaging_destination_name="events",error_type="PUBLISH_NACKED"} 1');
    expect(text).toMatch(/messaging_client_operation_duration_seconds_count\{[^}]*error_type="PUBLISH_NACKED"[^}]*\} 1/);
    expect(text).toContain('mq_publish_requests_total{topic="events",http_response_status_code="503"} 1');
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
    expect(single.parameters!.map((p) => p.name).sort()).toEqual(['delay', 'idempotency-key', 'not-before', 'routingKey', 'topic', 'traceparent'].sort());
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
