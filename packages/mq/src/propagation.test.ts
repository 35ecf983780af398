import { context, propagation, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOnSampler, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MqError } from './errors.js';
import { tracePublish, traceProcess } from './propagation.js';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

/** SimpleSpanProcessor exports asynchronously. */
async function finished() {
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

const publishInfo = { exchange: 'orders', routingKey: 'order.created', messageId: 'm-1', bodySize: 3 };
const processInfo = { queue: 'billing.orders', routingKey: 'order.created', messageId: 'm-1', correlationId: undefined, bodySize: 3, deliveryTag: 7, attempt: 2 };

describe('tracePublish', () => {
  it('opens a PRODUCER span under the active span and injects its context into the headers', async () => {
    const headers: Record<string, unknown> = {};
    const server = trace.getTracer('test').startSpan('POST /v1/topics/orders/messages');
    const baggage = propagation.createBaggage({ tenant: { value: 't1' } });
    const active = propagation.setBaggage(trace.setSpan(context.active(), server), baggage);
    await context.with(active, () => tracePublish(publishInfo, headers, () => Promise.resolve()));
    server.end();
    const span = (await finished()).find((s) => s.name === 'publish orders')!;
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(span.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(span.attributes).toMatchObject({
      'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish',
      'messaging.destination.name': 'orders', 'messaging.rabbitmq.destination.routing_key': 'order.created',
      'messaging.message.id': 'm-1', 'messaging.message.body.size': 3,
    });
    expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(headers.baggage).toBe('tenant=t1');
  });

  it('marks a failed publish with error.type = the MqError code', async () => {
    const failing = tracePublish(publishInfo, {}, () => Promise.reject(new MqError('UNROUTABLE', 'nope')));
    await expect(failing).rejects.toThrow('nope');
    const [span] = (await finished());
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('UNROUTABLE');
  });
});

describe('head sampling', () => {
  it('gives the sampler what the conventions require at the start, and still propagates a sampled-out span', async () => {
    const seen: Array<{ name: string; attributes: Attributes }> = [];
    const sampler: Sampler = {
      shouldSample: (_context, _traceId, name, _kind, attributes) => {
        seen.push({ name, attributes });
        return { decision: SamplingDecision.NOT_RECORD };
      },
    };
    const sampling = new TracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.disable();
    trace.setGlobalTracerProvider(sampling);
    try {
      const headers: Record<string, unknown> = {};
      await tracePublish(publishInfo, headers, () => Promise.resolve());
      await traceProcess(processInfo, headers, () => Promise.resolve());
      expect(seen).toEqual([
        { name: 'publish orders', attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish', 'messaging.destination.name': 'orders' } },
        { name: 'process billing.orders', attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.destination.name': 'billing.orders' } },
      ]);
      expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(await finished()).toEqual([]);
    } finally {
      trace.disable();
      trace.setGlobalTracerProvider(provider);
    }
  });
  it('opens no PRODUCER span inside a sampled-out span: the message carries that span\'s unsampled context', async () => {
    const sampler: Sampler = { shouldSample: () => ({ decision: SamplingDecision.NOT_RECORD }) };
    let sampled = 0;
    const counting: Sampler = { shouldSample: (...args) => ((sampled += 1), sampler.shouldSample(...args)) };
    trace.disable();
    trace.setGlobalTracerProvider(new TracerProvider({ sampler: counting }));
    try {
      const server = trace.getTracer('test').startSpan('POST /v1/topics/orders/messages');
      const headers: Record<string, unknown> = {};
      await context.with(trace.setSpan(context.active(), server), () => tracePublish(publishInfo, headers, () => Promise.resolve()));
      const { traceId, spanId } = server.spanContext();
      expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-00`);
      expect(sampled).toBe(1); // the server span's decision only
    } finally {
      trace.disable();
      trace.setGlobalTracerProvider(provider);
    }
  });
  it('still asks the sampler inside an unsampled remote parent: one that is not parent-based may sample the PRODUCER span', async () => {
    trace.disable();
    trace.setGlobalTracerProvider(new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    try {
      const remote = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE, isRemote: true };
      const headers: Record<string, unknown> = {};
      await context.with(trace.setSpanContext(context.active(), remote), () => tracePublish(publishInfo, headers, () => Promise.resolve()));
      const [producer] = exporter.getFinishedSpans();
      expect(producer?.kind).toBe(SpanKind.PRODUCER);
      expect(headers.traceparent).toBe(`00-${remote.traceId}-${producer!.spanContext().spanId}-01`);
    } finally {
      trace.disable();
      trace.setGlobalTracerProvider(provider);
    }
  });
});

describe('traceProcess', () => {
  it('opens a CONSUMER span as child of the extracted context, with a link, and runs the handler inside it', async () => {
    const headers: Record<string, unknown> = {};
    await tracePublish(publishInfo, headers, () => Promise.resolve());
    const producer = (await finished())[0]!;
    let insideTraceId: string | undefined;
    await traceProcess(processInfo, headers, async () => {
      trace.getTracer('app').startActiveSpan('POST http://app/orders', (client) => client.end());
      insideTraceId = trace.getActiveSpan()?.spanContext().traceId;
      await Promise.resolve();
    });
    const processSpan = (await finished()).find((s) => s.name === 'process billing.orders')!;
    const clientSpan = (await finished()).find((s) => s.name === 'POST http://app/orders')!;
    expect(processSpan.kind).toBe(SpanKind.CONSUMER);
    expect(processSpan.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(processSpan.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(processSpan.links.map((l) => l.context.spanId)).toEqual([producer.spanContext().spanId]);
    expect(clientSpan.parentSpanContext?.spanId).toBe(processSpan.spanContext().spanId);
    expect(insideTraceId).toBe(producer.spanContext().traceId);
    expect(processSpan.attributes).toMatchObject({
      'messaging.operation.type': 'process', 'messaging.destination.name': 'billing.orders',
      'messaging.rabbitmq.message.delivery_tag': 7, 'mq.attempt': 2,
    });
  });

  it('starts a new trace without a link when the message carries no traceparent', async () => {
    await traceProcess(processInfo, {}, () => Promise.resolve());
    const [span] = (await finished());
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.links).toEqual([]);
  });
});
