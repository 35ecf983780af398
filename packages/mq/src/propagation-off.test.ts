import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceProcess, tracePublish } from './propagation.js';

// Tracing off: propagators and a context manager (as the apps set them), but no tracer provider.
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const publishInfo = { exchange: 'orders', routingKey: 'order.created', messageId: 'm-1', bodySize: 3 };
const processInfo = { queue: 'billing.orders', routingKey: 'order.created', messageId: 'm-1', correlationId: undefined, bodySize: 3, deliveryTag: 7, attempt: 1 };
const incoming = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };

describe('traceProcess with no tracer provider', () => {
  it('runs the handler in the message\'s trace context, so its delivery carries the traceparent and baggage on', async () => {
    const headers = { traceparent: `00-${incoming.traceId}-${incoming.spanId}-01`, baggage: 'tenant=t1' };
    const seen = await traceProcess(processInfo, headers, (span) => {
      const out: Record<string, unknown> = {};
      propagation.inject(context.active(), out);
      return Promise.resolve({ out, spanId: span.spanContext().spanId, recording: span.isRecording() });
    });
    expect(seen).toEqual({ out: { traceparent: headers.traceparent, baggage: 'tenant=t1' }, spanId: incoming.spanId, recording: false });
  });

  it('gives a message without trace headers no trace context and a no-op span', async () => {
    const outer = trace.setSpanContext(ROOT_CONTEXT, incoming);
    const seen = await context.with(outer, () =>
      traceProcess(processInfo, {}, (span) => {
        span.setAttribute('ignored', 1);
        return Promise.resolve({ active: trace.getSpanContext(context.active()), recording: span.isRecording() });
      }),
    );
    expect(seen).toEqual({ active: undefined, recording: false });
  });

  it('passes on what the handler resolves or rejects with', async () => {
    await expect(traceProcess(processInfo, {}, () => Promise.resolve('acked'))).resolves.toBe('acked');
    await expect(traceProcess(processInfo, {}, () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
  });
});

describe('tracePublish with no tracer provider', () => {
  it('writes the caller\'s traceparent and baggage into the headers unchanged', async () => {
    const headers: Record<string, unknown> = {};
    const baggage = propagation.createBaggage({ tenant: { value: 't1' } });
    const active = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, incoming), baggage);
    const result = await context.with(active, () => tracePublish(publishInfo, headers, () => Promise.resolve('sent')));
    expect(result).toBe('sent');
    expect(headers.traceparent).toBe(`00-${incoming.traceId}-${incoming.spanId}-01`);
    expect(headers.baggage).toBe('tenant=t1');
  });

  it('adds no traceparent when the caller sent none', async () => {
    const headers: Record<string, unknown> = {};
    await tracePublish(publishInfo, headers, () => Promise.resolve());
    expect(headers).not.toHaveProperty('traceparent');
  });

  it('opens PRODUCER spans again once a provider is registered', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(provider);
    const headers: Record<string, unknown> = {};
    await context.with(trace.setSpanContext(ROOT_CONTEXT, incoming), () => tracePublish(publishInfo, headers, () => Promise.resolve()));
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('publish orders');
    expect(headers.traceparent).toBe(`00-${incoming.traceId}-${span?.spanContext().spanId}-01`);
  });
});
