import { context, propagation, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { pooledIdGenerator } from './pooled-ids.js';

export interface TelemetryOptions {
  /** `service.name` when neither `OTEL_SERVICE_NAME` nor `OTEL_RESOURCE_ATTRIBUTES` sets one. */
  serviceName: string;
}

export interface Telemetry {
  /** True when spans are recorded and exported; false = pass-through only. */
  readonly exporting: boolean;
  /** Flushes buffered spans and stops the exporter. Safe to call more than once. */
  shutdown(): Promise<void>;
}

function envList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
}

/**
 * Whether the standard `OTEL_*` variables ask for trace export. Unlike the SDK's own default
 * (`otlp` to localhost when nothing is set), nothing set means no export: an operator turns
 * tracing on by naming an exporter or an OTLP endpoint.
 */
export function traceExportConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = envList(env.OTEL_TRACES_EXPORTER);
  if (exporters.length > 0) return exporters.some((name) => name !== 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

function w3cPropagator(): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
}

function hasServiceName(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_SERVICE_NAME?.trim()) || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
}

/**
 * Without an exporter we still register the W3C propagators and an AsyncLocalStorage context
 * manager (no SDK, no span recording): an incoming `traceparent` then flows unchanged through the
 * no-op spans into the AMQP headers and on to the app, so a traced caller's trace is not cut by
 * an untraced hop. Cost: one AsyncLocalStorage frame per request, nothing per span.
 */
export function registerPassThrough(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(w3cPropagator());
}

/**
 * Starts OpenTelemetry tracing from the standard `OTEL_*` variables. Call it first in `main.ts`
 * and `await shutdown()` after draining, before exiting. When no trace exporter is configured the
 * SDK is not even loaded (dynamic import). Metrics stay with prom-client on `/metrics` and logs
 * with pino on stdout, so OTLP metrics and logs are off unless `OTEL_METRICS_EXPORTER` /
 * `OTEL_LOGS_EXPORTER` ask for them.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const env = process.env;
  if (!traceExportConfigured(env)) {
    registerPassThrough();
    return { exporting: false, shutdown: () => Promise.resolve() };
  }
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    ...(hasServiceName(env) ? {} : { serviceName: options.serviceName }),
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    ...(env.OTEL_PROPAGATORS ? {} : { textMapPropagator: w3cPropagator() }),
    idGenerator: pooledIdGenerator(),
  });
  sdk.start();
  let stopping: Promise<void> | undefined;
  return {
    exporting: true,
    shutdown: () => (stopping ??= sdk.shutdown()),
  };
}
