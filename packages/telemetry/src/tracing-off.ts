import { ProxyTracerProvider, trace } from '@opentelemetry/api';

/** The API's no-op provider: what a `ProxyTracerProvider` delegates to until an SDK registers. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * True while no tracer provider is registered (tracing off): spans would be no-ops, so the span
 * helpers pass the trace context on without making any. Checked per call, as an SDK may register
 * later.
 */
export function tracingOff(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_PROVIDER;
}
