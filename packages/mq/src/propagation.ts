import {
  context, INVALID_SPAN_CONTEXT, propagation, ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags,
  type Attributes, type Context, type Link, type Span, type Tracer, type TracerProvider,
} from '@opentelemetry/api';
import { ATTR, exchangeLabel, SYSTEM_RABBITMQ } from './attributes.js';
import { MqError } from './errors.js';

let cachedTracer: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * This library's tracer, fetched once per global provider: `trace.getTracer()` builds a new
 * tracer object on every call, and this runs for every message. The returned tracer follows a
 * provider registered later; `trace.disable()` installs a new provider, which refreshes it.
 */
function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (cachedTracer?.provider !== provider) cachedTracer = { provider, tracer: provider.getTracer('@mq/mq') };
  return cachedTracer.tracer;
}

/** The API's no-op provider: what a `ProxyTracerProvider` delegates to until an SDK registers. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * True while no tracer provider is registered (tracing off). Checked on every publish, not
 * cached: registering an SDK sets the delegate of the same global proxy.
 */
function tracingOff(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_PROVIDER;
}

export interface PublishSpanInfo {
  exchange: string;
  routingKey: string;
  messageId: string;
  bodySize: number;
}

export interface ProcessSpanInfo {
  queue: string;
  routingKey: string;
  messageId: string | undefined;
  correlationId: string | undefined;
  bodySize: number;
  deliveryTag: number;
  attempt: number;
}

/** Marks a span failed with `error.type` (the MqError code or the error's class name). */
export function recordFailure(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute(ATTR.errorType, err instanceof MqError ? err.code : err.name);
}

/**
 * Runs `publish` inside a PRODUCER span `publish <exchange>` and injects that span's context
 * (`traceparent`, `tracestate`, `baggage`, per the registered propagators) into `headers`.
 */
export function tracePublish<T>(info: PublishSpanInfo, headers: Record<string, unknown>, publish: () => Promise<T>): Promise<T> {
  const active = context.active();
  if (tracingOff() || inUnsampledTrace(active)) {
    // The no-op tracer's span carries the active span context unchanged, so injecting the active
    // context writes the same headers (e.g. the caller's traceparent) without a span, a context
    // and an async layer per message. The same for a trace that head sampling left out: its
    // PRODUCER span would not be recorded either, and the message carries the trace on unsampled.
    propagation.inject(active, headers);
    return publish();
  }
  return publishInSpan(info, headers, publish);
}

/**
 * True inside a local span that is neither recorded nor sampled: this process's head sampling
 * decided against its trace, and the SDK's samplers keep that decision for children (parent-based
 * ones by their parent, ratio ones by the same trace id), so a child span would be a non-recording
 * one too. Not for a remote parent (an extracted context): a sampler that is not parent-based may
 * sample a child of one.
 */
function inUnsampledTrace(active: Context): boolean {
  const span = trace.getSpan(active);
  if (span === undefined || span.isRecording()) return false;
  const { isRemote, traceFlags } = span.spanContext();
  return isRemote !== true && (traceFlags & TraceFlags.SAMPLED) === 0;
}

/** Not async itself: startActiveSpan already hands back the callback's promise. */
function publishInSpan<T>(info: PublishSpanInfo, headers: Record<string, unknown>, publish: () => Promise<T>): Promise<T> {
  const destination = exchangeLabel(info.exchange);
  const attributes: Attributes = {
    [ATTR.system]: SYSTEM_RABBITMQ,
    [ATTR.operationType]: 'send',
    [ATTR.operationName]: 'publish',
    [ATTR.destinationName]: destination,
  };
  return tracer().startActiveSpan(`publish ${destination}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    // The rest only for a span that is recorded: a sampler decides on what is known at the start,
    // and a head-sampled-out span would build and check them for nothing.
    if (span.isRecording()) {
      span.setAttributes({ [ATTR.routingKey]: info.routingKey, [ATTR.messageId]: info.messageId, [ATTR.bodySize]: info.bodySize });
    }
    propagation.inject(context.active(), headers);
    try {
      return await publish();
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Stands in for the process span while tracing is off: every method is a no-op. */
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs `process` inside a CONSUMER span `process <queue>`: a child of the context extracted from
 * the message headers, plus a link to it (the conventions' way to tie a consumer to its producer).
 * Everything the handler starts (e.g. its HTTP client span) nests under this span. With tracing
 * off there is no span: the handler runs in the extracted context.
 */
export function traceProcess<T>(info: ProcessSpanInfo, headers: Record<string, unknown>, process: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  if (tracingOff()) {
    // The no-op tracer's span would carry the extracted span context (or none), so running the
    // handler in the extracted context gives it the same active span context and baggage (its
    // HTTP delivery forwards them) without a span, attributes, links and an async layer per
    // message; a message without trace headers extracts the root context, usually the active one.
    const span = trace.getSpan(parent) ?? NO_SPAN;
    return parent === context.active() ? process(span) : context.with(parent, process, undefined, span);
  }
  return processInSpan(info, parent, process);
}

async function processInSpan<T>(info: ProcessSpanInfo, parent: Context, process: (span: Span) => Promise<T>): Promise<T> {
  const producer = trace.getSpanContext(parent);
  const links: Link[] = producer ? [{ context: producer }] : [];
  const attributes: Attributes = {
    [ATTR.system]: SYSTEM_RABBITMQ,
    [ATTR.operationType]: 'process',
    [ATTR.operationName]: 'process',
    [ATTR.destinationName]: info.queue,
  };
  const span = tracer().startSpan(`process ${info.queue}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
  // As for the PRODUCER span: the rest only when the span is recorded.
  if (span.isRecording()) setProcessAttributes(span, info);
  try {
    return await context.with(trace.setSpan(parent, span), () => process(span));
  } finally {
    span.end();
  }
}

function setProcessAttributes(span: Span, info: ProcessSpanInfo): void {
  const attributes: Attributes = {
    [ATTR.routingKey]: info.routingKey,
    [ATTR.bodySize]: info.bodySize,
    [ATTR.deliveryTag]: info.deliveryTag,
    [ATTR.attempt]: info.attempt,
  };
  // Assigned rather than spread in: this runs for every traced message.
  if (info.messageId) attributes[ATTR.messageId] = info.messageId;
  if (info.correlationId) attributes[ATTR.conversationId] = info.correlationId;
  span.setAttributes(attributes);
}
