import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * JSON-lines logger. Every line written inside an active span carries its `trace_id` and
 * `span_id`, so a log line about a message leads to its trace. Writes to stdout unless a
 * `destination` is given (tests).
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId, traceFlags } = span.spanContext();
      // Pass-through (tracing off) spans carry the caller's ids; an all-zero id means no trace.
      if (traceId === '00000000000000000000000000000000') return {};
      return { trace_id: traceId, span_id: spanId, trace_flags: traceFlags.toString(16).padStart(2, '0') };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** What identifies a message in log lines; absent fields are left out. */
export interface MessageLogFields {
  messageId: string | undefined;
  /** Queue (consumer) or exchange (gateway). */
  destination?: string;
  /** 1-based delivery attempt. */
  attempt?: number;
}

/**
 * A child logger whose every line names the message (`message_id`, and `destination`, `attempt`
 * when given): use it for all lines about one message. `trace_id`/`span_id` still come from the
 * span active when the line is written.
 */
export function messageLogger(logger: Logger, fields: MessageLogFields): Logger {
  const bindings: Record<string, string | number> = {};
  if (fields.messageId !== undefined) bindings.message_id = fields.messageId;
  if (fields.destination !== undefined) bindings.destination = fields.destination;
  if (fields.attempt !== undefined) bindings.attempt = fields.attempt;
  return logger.child(bindings);
}

export type { Logger };
