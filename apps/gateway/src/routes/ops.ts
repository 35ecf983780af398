import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, GatewayEnv } from './context.js';
import { registerDocsRoutes } from './docs.js';

const health = z.object({ status: z.string(), broker: z.string().optional(), draining: z.boolean().optional() }).openapi('Health');

const livez = createRoute({
  method: 'get',
  path: '/livez',
  summary: 'Liveness: the process serves HTTP',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: health } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: broker connected, not blocked, not draining',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: health } } },
    503: { description: 'Broker down or blocked, or draining after SIGTERM', content: { 'application/json': { schema: health } } },
  },
});

/** /livez, /readyz, /metrics, /openapi.json and /docs. */
export function registerOpsRoutes(app: OpenAPIHono<GatewayEnv>, deps: AppDeps): void {
  app.openapi(livez, (c) => c.json({ status: 'ok' }, 200));
  app.openapi(readyz, (c) => {
    const broker = deps.broker.state;
    const draining = deps.lifecycle.draining;
    const ready = broker === 'ready' && !draining;
    return c.json({ status: ready ? 'ready' : 'not ready', broker, draining }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'mq gateway', version: '1.0.0', description: 'Publishes HTTP requests to RabbitMQ with confirms.' },
  });
  registerDocsRoutes(app);
}
