import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

/**
 * JSON-lines logger. Every line written inside an active span carries its `trace_id` and
 * `span_id`, so a log line about a message leads to its trace.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}

export type { Logger };
