import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createClient, deleteTopology, rawConnection, simpleTopology } from './helpers/broker.ts';
import { startInMemoryTracing } from './helpers/tracing.ts';

const tracing = startInMemoryTracing();
const raw = rawConnection();
const client = createClient();
const topology = simpleTopology();
afterAll(async () => {
  await client.close();
  await deleteTopology(raw, topology);
  await raw.close();
  tracing.stop();
});

describe('trace propagation through the broker', () => {
  it('links publish → process for every attempt, with the handler work nested in the process span', async () => {
    await client.declare(topology);
    const publisher = client.createPublisher();
    const consumer = client.createConsumer({ queue: topology.queue }, (m) => {
      trace.getTracer('app').startActiveSpan('POST /orders', (span) => span.end());
      return m.attempt < 2 ? Promise.reject(new Error('first attempt fails')) : Promise.resolve();
    });
    const outcomes: string[] = [];
    consumer.on('outcome', (e) => outcomes.push(e.outcome));
    const server = trace.getTracer('gateway').startSpan('POST /v1/topics/orders/messages', { kind: SpanKind.SERVER });
    await trace.getTracer('gateway').startActiveSpan('request', async (request) => {
      await publisher.publish({ exchange: topology.exchange, routingKey: 'order.created', body: '{}', contentType: 'application/json' });
      request.end();
    });
    server.end();
    await vi.waitFor(() => expect(outcomes).toEqual(['retried', 'done']), { timeout: 10_000 });

    const spans = await tracing.spans();
    const publish = spans.find((s) => s.name === `publish ${topology.exchange}`)!;
    const processes = spans.filter((s) => s.name === `process ${topology.queue}`);
    const appSpans = spans.filter((s) => s.name === 'POST /orders');
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(processes.map((s) => s.attributes['mq.attempt'])).toEqual([1, 2]);
    for (const process of processes) {
      expect(process.spanContext().traceId).toBe(publish.spanContext().traceId);
      expect(process.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
      expect(process.links[0]?.context.spanId).toBe(publish.spanContext().spanId);
    }
    expect(processes.map((s) => s.attributes['mq.outcome'])).toEqual(['retried', 'done']);
    expect(appSpans.map((s) => s.parentSpanContext?.spanId)).toEqual(processes.map((s) => s.spanContext().spanId));
  });
});
