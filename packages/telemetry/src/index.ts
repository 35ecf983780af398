/**
 * `@mq/telemetry`: OpenTelemetry set-up for the apps (never for libraries), HTTP server/client
 * spans, the pino logger with trace ids, and the shared metric naming scheme.
 */
export { createLogger, messageLogger, type Logger, type MessageLogFields } from './logger.js';
export { startTelemetry, traceExportConfigured, type Telemetry, type TelemetryOptions } from './start.js';
export { httpServerSpan } from './http-server-span.js';
export { startHttpClientSpan, type HttpClientSpan, type HttpClientSpanOptions } from './http-client-span.js';
export { metricNames, metricLabels, durationBuckets, type MetricName } from './metric-names.js';
export { cachedChildren } from './label-children.js';
export { pendingCounts, type PendingCounts, type CounterSink } from './pending-counts.js';
export { PlainHistogram } from './plain-histogram.js';
