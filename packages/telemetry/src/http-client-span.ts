import { SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { tracingOff } from './tracing-off.js';

const tracer = trace.getTracer('@mq/telemetry');

/** With tracing off there is no span to end. */
function noop(): void {}

/** `http.request.resend_count`: attempts before this one (semconv HTTP client). */
const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';

export interface HttpClientSpanOptions {
  method: string;
  url: URL;
  /** 1-based delivery attempt; attempts after the first are recorded as resends. */
  attempt?: number;
}

export interface HttpClientSpan {
  /** `traceparent` (and `tracestate`, `baggage`) to send with the request. */
  readonly headers: Record<string, string>;
  /** Ends the span with the response status, or the error that prevented one. */
  end(result: { status?: number; error?: unknown; errorType?: string }): void;
}

function fullUrl(url: URL): string {
  // Never export credentials or query secrets in a span attribute.
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function endSpan(span: Span, result: { status?: number; error?: unknown; errorType?: string }): void {
  const { status, error } = result;
  if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  // HTTP client semconv: 4xx and 5xx both mark a CLIENT span as failed.
  const failed = error !== undefined || (status !== undefined && status >= 400);
  if (failed) {
    const errorType = result.errorType ?? (error instanceof Error ? error.name : String(status));
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  if (error instanceof Error) span.recordException(error);
  span.end();
}

/**
 * Starts an HTTP CLIENT span, a child of the active context (the consumer's `process` span), and
 * returns the W3C headers that carry it to the server. Used around a delivery to the app, so the
 * app's own spans join the message's trace. With tracing off the headers still carry the
 * incoming message's `traceparent`.
 */
export function startHttpClientSpan(options: HttpClientSpanOptions): HttpClientSpan {
  if (tracingOff()) {
    // The no-op tracer's span would carry the active span context unchanged, so injecting the
    // active context writes the same headers without a span, a context and a closure per delivery.
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    return { headers, end: noop };
  }
  const { method, url, attempt } = options;
  const span = tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method } });
  if (span.isRecording()) {
    span.setAttributes({
      [ATTR_URL_FULL]: fullUrl(url),
      [ATTR_SERVER_ADDRESS]: url.hostname,
      [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    });
    if (attempt !== undefined && attempt > 1) span.setAttribute(ATTR_HTTP_REQUEST_RESEND_COUNT, attempt - 1);
  }
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  let ended = false;
  return {
    headers,
    end(result) {
      if (ended) return;
      ended = true;
      endSpan(span, result);
    },
  };
}
