import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { IncomingMessage } from 'node:http';
import { httpServerSpan } from '@mq/telemetry';
import { createErrorHandler, notFound } from './errors.js';
import { registerBatchRoute } from './routes/batch.js';
import type { AppDeps, GatewayEnv } from './routes/context.js';
import { countTopicRequest } from './routes/guards.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerPublishRoute } from './routes/publish.js';
import { documentTopics } from './routes/topic-docs.js';
import { validationHook } from './validation.js';

export type { AppDeps } from './routes/context.js';

/**
 * Node discards (and so reads) a body left unread after the answer and keeps the connection; for
 * a small body that is cheaper than closing, which under a flood of refusals turns every request
 * into a new TCP connection and stalls clients in SYN retries (p99 of 14 s in `npm run bench`).
 */
const DRAIN_UNREAD_BODY_MAX_BYTES = 64 * 1024;

/**
 * Whether a refused request must close its connection: its body was left unread and is too big
 * (or of unknown length) to discard. Node's own request says so without touching
 * `c.req.raw.body`, which makes @hono/node-server build a full web Request (undici's, with an
 * AbortSignal) per refused request: under a flood of refusals those dominated the heap (found by
 * `npm run bench`). `complete` would not do: Node answers before the body's bytes are parsed.
 * `app.request()` (tests) has no Node request: the web one decides.
 */
function mustCloseAfterRefusal(env: unknown, request: () => Request): boolean {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) {
    if (incoming.method === 'GET' || incoming.method === 'HEAD' || incoming.readableEnded) return false;
    const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
    return !(declared <= DRAIN_UNREAD_BODY_MAX_BYTES);
  }
  const raw = request();
  return raw.body !== null && !raw.bodyUsed;
}

/** The gateway's HTTP app; main.ts serves it, tests call `app.request()` on it. */
export function createApp(deps: AppDeps): OpenAPIHono<GatewayEnv> {
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFound);
  const serverSpan = httpServerSpan();
  const afterAnswer = async (c: Context<GatewayEnv>, next: Next): Promise<void> => {
    await next();
    countTopicRequest(deps, c.req.path, c.get('topic'), c.res.status);
    // Close the connection while draining (so the server can stop), and after refusing a large
    // body without reading it rather than reading it only to discard it. Only refusals can leave
    // one unread, so successes skip the check.
    if (deps.lifecycle.draining || (c.res.status >= 400 && mustCloseAfterRefusal(c.env, () => c.req.raw))) c.header('connection', 'close');
  };
  // First: the SERVER span (continuing an incoming traceparent) must enclose the publish. One
  // middleware for both, not two: every layer of Hono's chain costs a dispatch and a promise.
  const first: MiddlewareHandler<GatewayEnv> = (c, next) => serverSpan(c, () => afterAnswer(c, next));
  app.use('*', first);
  registerPublishRoute(app, deps);
  registerBatchRoute(app, deps);
  registerOpsRoutes(app, deps);
  documentTopics(app, deps);
  return app;
}
