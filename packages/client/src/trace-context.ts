/** The part of `@opentelemetry/api` this client uses (typed here so the package stays optional). */
interface OtelApi {
  context: { active(): unknown };
  propagation: { inject(context: unknown, carrier: Record<string, string>): void };
  trace: { getSpanContext(context: unknown): { traceId: string; spanId: string; traceFlags: number } | undefined; isSpanContextValid(sc: object): boolean };
}

/** Trace headers of the active OpenTelemetry context: traceparent, and tracestate/baggage when set. */
export type TraceHeaders = Partial<Record<'traceparent' | 'tracestate' | 'baggage', string>>;

const PROPAGATED = ['traceparent', 'tracestate', 'baggage'] as const;

/**
 * Loads `@opentelemetry/api` when the app has it (an optional peer dependency): an app that
 * traces shares its one global API instance with us, and an app that does not pays nothing.
 */
export function loadOtel(): Promise<OtelApi | undefined> {
  const name = '@opentelemetry/api'; // a variable, so bundlers do not insist on resolving it
  return import(name).then(
    (api: OtelApi) => api,
    () => undefined,
  );
}

/**
 * The active context's trace headers. The app's registered propagator decides (W3C by default
 * with the SDK); without one, a valid active span still gives a W3C traceparent.
 */
export function activeTraceHeaders(api: OtelApi | undefined): TraceHeaders {
  if (!api) return {};
  const active = api.context.active();
  const carrier: Record<string, string> = {};
  api.propagation.inject(active, carrier);
  const headers: TraceHeaders = {};
  for (const name of PROPAGATED) if (carrier[name]) headers[name] = carrier[name];
  if (headers.traceparent) return headers;
  const span = api.trace.getSpanContext(active);
  if (!span || !api.trace.isSpanContextValid(span)) return {};
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  return { traceparent: `00-${span.traceId}-${span.spanId}-${flags}` };
}
