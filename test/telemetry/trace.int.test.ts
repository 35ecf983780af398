import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteStackObjects, receivedBy, stackConfig, stackNames, type StackNames } from '../e2e/stack.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.ts';
import { startApp, type AppProcess } from '../helpers/processes.ts';

// One request through the built gateway, consumer and sample app (processes, real broker), each
// app exporting OTLP/HTTP to a receiver this test runs: the gateway in JSON, the consumer in
// protobuf, so both encodings are exercised.

function otelEnv(receiver: OtlpReceiver, protocol: 'http/json' | 'http/protobuf'): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    LOG_LEVEL: 'debug',
  };
}

function only(spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}: ${JSON.stringify(spans.map((s) => s.name))}`);
  return found[0]!;
}

describe('one trace from HTTP request to app', () => {
  let receiver: OtlpReceiver;
  let names: StackNames;
  let sample: AppProcess;
  let gateway: AppProcess;
  let consumer: AppProcess;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    names = stackNames();
    sample = await startApp('sample-app');
    const config = stackConfig(names, sample.url);
    [consumer, gateway] = await Promise.all([
      startApp('consumer', { config, env: { ...otelEnv(receiver, 'http/protobuf'), OTEL_SERVICE_NAME: 'consumer-under-test' } }),
      startApp('gateway', { config, env: otelEnv(receiver, 'http/json') }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), consumer?.stop()]);
    await sample?.stop();
    await deleteStackObjects(names);
    await receiver?.close();
  });

  async function publish(headers: Record<string, string> = {}): Promise<string> {
    const response = await fetch(`${gateway.url}/v1/topics/${names.topic}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ hello: 'trace' }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  /** Spans about one message, once the consumer's CLIENT spans for `deliveries` attempts arrived. */
  async function spansOf(messageId: string, deliveries: number): Promise<ReceivedSpan[]> {
    const producerOf = () => receiver.spans.find((s) => s.kind === 'PRODUCER' && s.attributes['messaging.message.id'] === messageId);
    await expect
      .poll(() => {
        const producer = producerOf();
        return producer ? receiver.trace(producer.traceId).filter((s) => s.kind === 'CLIENT').length : 0;
      }, { timeout: 30_000 })
      .toBe(deliveries);
    return receiver.trace(producerOf()!.traceId);
  }

  it('chains SERVER -> PRODUCER -> CONSUMER -> CLIENT in the caller trace, with semconv attributes', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const messageId = await publish({ traceparent: `00-${traceId}-${callerSpanId}-01` });
    const spans = await spansOf(messageId, 1);

    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const server = only(spans, (s) => s.kind === 'SERVER', 'SERVER span');
    const producer = only(spans, (s) => s.kind === 'PRODUCER', 'PRODUCER span');
    const consumerSpan = only(spans, (s) => s.kind === 'CONSUMER', 'CONSUMER span');
    const client = only(spans, (s) => s.kind === 'CLIENT', 'CLIENT span');
    expect(spans).toHaveLength(4);

    expect(server).toMatchObject({ name: 'POST /v1/topics/:topic/messages', parentSpanId: callerSpanId, service: 'mq-gateway', encoding: 'application/json' });
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/topics/:topic/messages',
      'http.response.status_code': 202,
      'url.path': `/v1/topics/${names.topic}/messages`,
      'url.scheme': 'http',
    });

    expect(producer).toMatchObject({ name: `publish ${names.exchange}`, parentSpanId: server.spanId, service: 'mq-gateway' });
    expect(producer.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': names.exchange,
      'messaging.rabbitmq.destination.routing_key': 'e2e.created',
      'messaging.message.id': messageId,
      'messaging.message.body.size': JSON.stringify({ hello: 'trace' }).length,
    });

    expect(consumerSpan).toMatchObject({
      name: `process ${names.queue}`,
      parentSpanId: producer.spanId,
      service: 'consumer-under-test',
      encoding: 'application/x-protobuf',
    });
    expect(consumerSpan.links).toEqual([expect.objectContaining({ traceId, spanId: producer.spanId })]);
    expect(consumerSpan.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': names.queue,
      'messaging.message.id': messageId,
      'messaging.rabbitmq.message.delivery_tag': expect.any(Number),
    });

    expect(client).toMatchObject({ name: 'POST', parentSpanId: consumerSpan.spanId, statusCode: 0 });
    expect(client.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'url.full': `${sample.url}/deliveries` });

    // The app got the CLIENT span's context, so its own spans would join the same trace.
    const delivery = (await receivedBy(sample)).find((d) => d.headers['ce-id'] === messageId);
    expect(delivery?.headers.traceparent).toBe(`00-${traceId}-${client.spanId}-01`);
  });

  it('keeps a retried message\'s attempts in the trace the gateway started, with its logs', async () => {
    const rule = { path: '/deliveries', status: 503, count: 1 };
    expect((await fetch(`${sample.url}/control`, { method: 'POST', body: JSON.stringify(rule), headers: { 'content-type': 'application/json' } })).ok).toBe(true);
    const messageId = await publish();
    const spans = await spansOf(messageId, 2);

    const server = only(spans, (s) => s.kind === 'SERVER', 'SERVER span');
    const producer = only(spans, (s) => s.kind === 'PRODUCER', 'PRODUCER span');
    expect(server.parentSpanId).toBeUndefined(); // no traceparent came in: the gateway starts the trace
    const attempts = spans.filter((s) => s.kind === 'CONSUMER');
    expect(attempts.map((s) => s.attributes['mq.attempt'])).toEqual([1, 2]);
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(producer.spanId);
    const clients = spans.filter((s) => s.kind === 'CLIENT');
    expect(clients.map((s) => s.attributes['http.response.status_code'])).toEqual([503, 200]);
    expect(clients.map((s) => s.parentSpanId)).toEqual(attempts.map((s) => s.spanId));
    expect(clients[0]).toMatchObject({ statusCode: 2, attributes: expect.objectContaining({ 'error.type': '503' }) });
    expect(attempts[0]).toMatchObject({ statusCode: 2, attributes: expect.objectContaining({ 'mq.outcome': 'retried', 'error.type': expect.any(String) }) });
    expect(attempts[1]).toMatchObject({ statusCode: 0, attributes: expect.objectContaining({ 'mq.outcome': 'done' }) });

    // The consumer's log line about the retry leads to the same trace.
    await expect.poll(() => consumer.logs().filter((line) => line.message_id === messageId).map((line) => line.msg)).toContain('delivery retried');
    const retryLine = consumer.logs().find((line) => line.message_id === messageId && line.msg === 'delivery retried');
    expect(retryLine).toMatchObject({ trace_id: server.traceId, span_id: attempts[0]?.spanId, attempt: 1, destination: names.queue });
  });

  it('keeps a parked message replayed from the dead-letter queue in its original trace', async () => {
    const rule = { path: '/deliveries', status: 400, count: 1 }; // not retryable: parked at once
    expect((await fetch(`${sample.url}/control`, { method: 'POST', body: JSON.stringify(rule), headers: { 'content-type': 'application/json' } })).ok).toBe(true);
    const messageId = await publish();
    await expect.poll(() => receiver.spans.some((s) => s.attributes['messaging.message.id'] === messageId && s.attributes['mq.outcome'] === 'parked'), { timeout: 30_000 }).toBe(true);

    const replay = await fetch(`${consumer.url}/v1/subscriptions/e2e/dead-letters/${messageId}/replay`, { method: 'POST' });
    expect(replay.status).toBe(200);
    const spans = await spansOf(messageId, 2);
    const producer = only(spans, (s) => s.kind === 'PRODUCER', 'PRODUCER span');
    const attempts = spans.filter((s) => s.kind === 'CONSUMER');
    expect(attempts.map((s) => s.attributes['mq.outcome'])).toEqual(['parked', 'done']);
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(producer.spanId);
  });
});

describe('with tracing off (no OTEL_* set)', () => {
  let names: StackNames;
  let sample: AppProcess;
  let gateway: AppProcess;
  let consumer: AppProcess;

  beforeAll(async () => {
    names = stackNames();
    sample = await startApp('sample-app');
    const config = stackConfig(names, sample.url);
    const off = { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined, OTEL_TRACES_EXPORTER: undefined };
    [consumer, gateway] = await Promise.all([startApp('consumer', { config, env: off }), startApp('gateway', { config, env: off })]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), consumer?.stop()]);
    await sample?.stop();
    await deleteStackObjects(names);
  });

  it('still carries the caller\'s traceparent unchanged through the message to the app', async () => {
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const response = await fetch(`${gateway.url}/v1/topics/${names.topic}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent },
      body: '{}',
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await expect.poll(async () => (await receivedBy(sample)).find((d) => d.headers['ce-id'] === id)?.headers.traceparent, { timeout: 30_000 }).toBe(traceparent);
  });
});
