import { SpanKind, SpanStatusCode, context, propagation, trace, type Context as OtelContext, type Span, type TextMapGetter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { routePath } from 'hono/route';
import { tracingOff } from './tracing-off.js';

const tracer = trace.getTracer('@mq/telemetry');

const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** The matched route template (`/v1/topics/:topic/messages`), or undefined when only wildcards matched. */
function matchedRoute(c: Context): string | undefined {
  const route = routePath(c, -1);
  return route === '*' || route === '/*' ? undefined : route;
}

interface Origin {
  scheme: string;
  address: string;
  port: number;
}

/** Distinct origins (scheme, Host) a server sees are few; a flood of odd Host headers only resets it. */
const MAX_ORIGINS = 64;
const origins = new Map<string, Origin>();

/** The scheme, host and port of a request URL, parsed once per distinct origin. */
function originOf(url: string): Origin {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const key = pathStart === -1 ? url : url.slice(0, pathStart);
  let origin = origins.get(key);
  if (!origin) {
    const parsed = new URL(url);
    const scheme = parsed.protocol.replace(':', '');
    origin = { scheme, address: parsed.hostname, port: Number(parsed.port || (scheme === 'https' ? 443 : 80)) };
    if (origins.size >= MAX_ORIGINS) origins.clear();
    origins.set(key, origin);
  }
  return origin;
}

function setRequestAttributes(span: Span, c: Context, route: string | undefined): void {
  const origin = originOf(c.req.url);
  span.setAttributes({
    [ATTR_URL_PATH]: c.req.path,
    [ATTR_URL_SCHEME]: origin.scheme,
    [ATTR_SERVER_ADDRESS]: origin.address,
    [ATTR_SERVER_PORT]: origin.port,
  });
  if (route) span.setAttribute(ATTR_HTTP_ROUTE, route);
  const userAgent = c.req.header('user-agent');
  if (userAgent) span.setAttribute(ATTR_USER_AGENT_ORIGINAL, userAgent);
}

/** An MqError-style `code` when the error has one (`BLOCKED`), else its class name. */
function errorTypeOf(error: unknown, status: number): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : String(status);
}

function setResponseAttributes(span: Span, status: number, error: unknown): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  // HTTP server semconv: only 5xx marks a SERVER span as failed; a 4xx is the client's fault.
  if (status < 500) return;
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error, status));
  span.setStatus({ code: SpanStatusCode.ERROR });
  if (error instanceof Error) span.recordException(error);
}

/**
 * Hono middleware: one SERVER span per request, continuing an incoming W3C `traceparent`
 * (and `baggage`), named `<METHOD> <route>` with the HTTP semantic-convention attributes. Register
 * it first (`app.use('*', httpServerSpan())`) so everything downstream, the publish included,
 * runs inside the span. With tracing off there is no span: the rest runs in the caller's
 * extracted context, so its `traceparent` still travels on.
 */
export function httpServerSpan(): MiddlewareHandler {
  // Not an async function itself: with tracing off it hands back next()'s promise rather than
  // wrapping it in one more per request.
  return (c, next) => {
    const parent = propagation.extract(context.active(), c.req.raw.headers, headersGetter);
    if (tracingOff()) {
      // A no-op span would only carry the caller's context: run in that context (its traceparent
      // and baggage reach the publish) without a span, a name and a context per request.
      return parent === context.active() ? next() : context.with(parent, next);
    }
    return inServerSpan(c, next, parent);
  };
}

/** Runs the rest of the request in a SERVER span; startActiveSpan hands back the callback's promise. */
function inServerSpan(c: Context, next: Next, parent: OtelContext): Promise<void> {
  const method = c.req.method;
  const route = matchedRoute(c);
  const name = route ? `${method} ${route}` : method;
  const attributes = { [ATTR_HTTP_REQUEST_METHOD]: method };
  return tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
    if (span.isRecording()) setRequestAttributes(span, c, route);
    try {
      await next();
      if (span.isRecording()) setResponseAttributes(span, c.res.status, c.error);
    } catch (error) {
      setResponseAttributes(span, 500, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
