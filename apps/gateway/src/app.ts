import { OpenAPIHono } from '@hono/zod-openapi';
import { httpServerSpan } from '@mq/telemetry';
import { createErrorHandler, notFound } from './errors.js';
import { registerBatchRoute } from './routes/batch.js';
import type { AppDeps, GatewayEnv } from './routes/context.js';
import { countRequests } from './routes/guards.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerPublishRoute } from './routes/publish.js';
import { documentTopics } from './routes/topic-docs.js';
import { validationHook } from './validation.js';

export type { AppDeps } from './routes/context.js';

/** The gateway's HTTP app; main.ts serves it, tests call `app.request()` on it. */
export function createApp(deps: AppDeps): OpenAPIHono<GatewayEnv> {
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFound);
  // First: the SERVER span (continuing an incoming traceparent) must enclose the publish.
  app.use('*', httpServerSpan());
  app.use('*', async (c, next) => {
    await next();
    // Close the connection while draining (so the server can stop), and after refusing a body
    // without reading it: a client must not send its next request behind an unread body. Only
    // refusals can leave one, and touching `raw.body` makes @hono/node-server build a full web
    // Request, so successes skip the check (found by `npm run bench`).
    const unreadBody = c.res.status >= 400 && c.req.raw.body !== null && !c.req.raw.bodyUsed;
    if (deps.lifecycle.draining || unreadBody) c.header('connection', 'close');
  });
  app.use('/v1/topics/:topic/*', countRequests(deps));
  registerPublishRoute(app, deps);
  registerBatchRoute(app, deps);
  registerOpsRoutes(app, deps);
  documentTopics(app, deps);
  return app;
}
