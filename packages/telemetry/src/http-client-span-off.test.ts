import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpClientSpan } from './http-client-span.js';
import { registerPassThrough } from './start.js';

// Tracing off: the propagators and context manager startTelemetry registers, no tracer provider.
beforeAll(registerPassThrough);
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const url = new URL('http://127.0.0.1:3000/orders');
const incoming = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };

describe('startHttpClientSpan with no tracer provider', () => {
  it('passes the active trace context and baggage on unchanged', () => {
    const active = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, incoming), propagation.createBaggage({ tenant: { value: 't1' } }));
    const span = context.with(active, () => startHttpClientSpan({ method: 'POST', url, attempt: 2 }));
    expect(span.headers).toEqual({ traceparent: `00-${incoming.traceId}-${incoming.spanId}-01`, baggage: 'tenant=t1' });
    span.end({ status: 503 });
  });

  it('sends no trace headers when there is no active trace', () => {
    const span = startHttpClientSpan({ method: 'POST', url });
    expect(span.headers).toEqual({});
    span.end({ error: new Error('refused'), errorType: 'refused' });
  });

  it('opens CLIENT spans again once a provider is registered', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(provider);
    const span = context.with(trace.setSpanContext(ROOT_CONTEXT, incoming), () => startHttpClientSpan({ method: 'POST', url }));
    span.end({ status: 204 });
    await provider.forceFlush();
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.name).toBe('POST');
    expect(span.headers.traceparent).toBe(`00-${incoming.traceId}-${finished?.spanContext().spanId}-01`);
  });
});
