import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpClientSpan } from './http-client-span.js';
import { httpServerSpan } from './http-server-span.js';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

/** Plain copies: a failed assertion must not try to print a span's provider graph. */
async function finishedSpans() {
  await provider.forceFlush();
  return exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: { ...span.attributes },
    statusCode: span.status.code,
  }));
}
const callerTraceId = '0af7651916cd43dd8448eb211c80319c';
const callerTraceparent = `00-${callerTraceId}-b7ad6b7169203331-01`;

function createTestApp(): { app: Hono; clientHeaders: Record<string, string>[] } {
  const clientHeaders: Record<string, string>[] = [];
  const app = new Hono();
  app.use('*', httpServerSpan());
  app.post('/v1/topics/:topic/messages', (c) => {
    const client = startHttpClientSpan({ method: 'POST', url: new URL('http://user:pw@127.0.0.1:3000/orders?x=1'), attempt: 2 });
    clientHeaders.push(client.headers);
    client.end({ status: 503 });
    return c.json({ ok: true }, 202);
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.get('/blocked', () => {
    throw Object.assign(new Error('broker blocked'), { code: 'BLOCKED' });
  });
  app.get('/bad', (c) => c.json({ code: 'malformed' }, 400));
  return { app, clientHeaders };
}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

describe('httpServerSpan + startHttpClientSpan', () => {
  it('continue the caller trace: SERVER span -> CLIENT span whose traceparent goes out', async () => {
    const { app, clientHeaders } = createTestApp();
    const res = await app.request('http://gw.local:8080/v1/topics/orders/messages', {
      method: 'POST',
      headers: { traceparent: callerTraceparent, 'user-agent': 'curl/8' },
    });
    expect(res.status).toBe(202);
    const [client, server] = (await finishedSpans());
    expect(server?.name).toBe('POST /v1/topics/:topic/messages');
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.traceId).toBe(callerTraceId);
    expect(server?.parentSpanId).toBe('b7ad6b7169203331');
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/topics/:topic/messages',
      'http.response.status_code': 202,
      'url.path': '/v1/topics/orders/messages',
      'url.scheme': 'http',
      'server.address': 'gw.local',
      'server.port': 8080,
      'user_agent.original': 'curl/8',
    });
    expect(client?.kind).toBe(SpanKind.CLIENT);
    expect(client?.parentSpanId).toBe(server?.spanId);
    expect(client?.attributes).toMatchObject({
      'url.full': 'http://127.0.0.1:3000/orders',
      'http.response.status_code': 503,
      'error.type': '503',
      'http.request.resend_count': 1,
    });
    expect(client?.statusCode).toBe(SpanStatusCode.ERROR);
    expect(clientHeaders[0]?.traceparent).toBe(`00-${callerTraceId}-${client?.spanId}-01`);
  });

  it('takes scheme, host and port from each request, whatever origins came before', async () => {
    const { app } = createTestApp();
    for (const url of ['https://api.example:8443/v1/topics/a/messages', 'http://gw.local/v1/topics/b/messages', 'https://api.example/v1/topics/c/messages']) {
      await app.request(url, { method: 'POST' });
    }
    const attributes = (await finishedSpans()).filter((s) => s.kind === SpanKind.SERVER).map((s) => s.attributes);
    expect(attributes.map((a) => [a['url.scheme'], a['server.address'], a['server.port'], a['url.path']])).toEqual([
      ['https', 'api.example', 8443, '/v1/topics/a/messages'],
      ['http', 'gw.local', 80, '/v1/topics/b/messages'],
      ['https', 'api.example', 443, '/v1/topics/c/messages'],
    ]);
  });

  it('marks a thrown error as a 500 SERVER span error', async () => {
    const { app } = createTestApp();
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    const [server] = (await finishedSpans());
    expect(server?.name).toBe('GET /boom');
    expect(server?.statusCode).toBe(SpanStatusCode.ERROR);
    expect(server?.attributes['error.type']).toBe('Error');
  });

  it('uses an error code as error.type, and leaves a 4xx unmarked', async () => {
    const { app } = createTestApp();
    await app.request('/blocked');
    await app.request('/bad');
    const [blocked, bad] = await finishedSpans();
    expect(blocked?.attributes['error.type']).toBe('BLOCKED');
    expect(bad?.attributes).toMatchObject({ 'http.response.status_code': 400 });
    expect(bad?.attributes).not.toHaveProperty('error.type');
    expect(bad?.statusCode).toBe(SpanStatusCode.UNSET);
  });

  it('names an unmatched request by its method only', async () => {
    const { app } = createTestApp();
    await app.request('/nowhere');
    expect((await finishedSpans())[0]?.name).toBe('GET');
  });
});
