import type { ConnectionState, DeadLetterAdmin, QueueStats } from '@mq/mq';
import { httpServerSpan } from '@mq/telemetry';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { adminAuth, type RemoteAddress } from './admin/auth.js';
import { DeliveryRate } from './admin/delivery-rate.js';
import { adminOpenApiDocument } from './admin/openapi.js';
import { ParkedIndex } from './admin/parked-index.js';
import { problem } from './admin/problem.js';
import { createAdminRoutes, type AdminSubscription } from './admin/routes.js';
import { createStatusRoute } from './admin/status-route.js';
import { createConsole } from './console/routes.js';
import type { AdminAccess } from './config.js';
import type { SubscriptionStatus } from './worker.js';

export interface AppDeps {
  connectionState: () => ConnectionState;
  /** Per-subscription state, from the worker. */
  status: () => SubscriptionStatus[];
  /** All consumers started. */
  consuming: () => boolean;
  draining: () => boolean;
  registry: Registry;
  subscriptions: AdminSubscription[];
  deadLetters: DeadLetterAdmin;
  /** Live queue counts for `/v1/status`; without it the counts are null. */
  queueStats?: (queue: string) => Promise<QueueStats>;
  /** Deliveries per second, fed by the worker's outcomes. */
  rate?: DeliveryRate;
  admin: AdminAccess;
  remoteAddress?: RemoteAddress;
  logError?: (error: unknown) => void;
}

/**
 * The consumer's HTTP surface: `/livez`, `/readyz`, `/metrics`, the admin API under `/v1`
 * (bearer auth) with its `/openapi.json`, and the operator console at `/console`.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('/v1/*', httpServerSpan());
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const readiness = readinessOf(deps);
    return c.json(readiness, readiness.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) =>
    c.body(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
  );
  const openApi = adminOpenApiDocument();
  app.get('/openapi.json', (c) => c.json(openApi));
  app.use('/v1/*', adminAuth(deps.admin, deps.remoteAddress));
  const index = new ParkedIndex(deps.deadLetters);
  app.route('/v1/subscriptions', createAdminRoutes({ subscriptions: deps.subscriptions, deadLetters: deps.deadLetters, index }));
  app.route(
    '/v1/status',
    createStatusRoute({
      subscriptions: deps.subscriptions,
      connectionState: deps.connectionState,
      status: deps.status,
      queueStats: deps.queueStats ?? (() => Promise.reject(new Error('no queue stats'))),
      rate: deps.rate ?? new DeliveryRate(),
    }),
  );
  // The console renders what the admin API answers, called in-process with the operator's own
  // Authorization header (and the connection, for the loopback check): it sees and may do no more.
  app.route('/console', createConsole({ api: (path, init, env) => app.request(path, init, env) }));
  app.notFound((c) => problem(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    deps.logError?.(error);
    // MqError codes, or rabbitmq-client's own errors (AMQPError, AMQPConnectionError, ...) when
    // the dead-letter admin could not get a channel: both mean the broker is out of reach.
    const code = (error as { code?: unknown }).code;
    if (code === 'NOT_CONNECTED' || code === 'CLOSED' || error.name.startsWith('AMQP')) {
      c.header('retry-after', '5');
      // The broker's own words (host names, channel numbers) go to the log, not to the client.
      return problem(c, 503, 'BROKER_UNAVAILABLE', 'the broker cannot be reached; retry later');
    }
    return problem(c, 500, 'INTERNAL', 'internal error');
  });
  return app;
}

/**
 * Ready = connected to the broker, every subscription consuming, no circuit open, not draining.
 * An open circuit makes the pod unready on purpose: it is not processing its queue.
 */
function readinessOf(deps: AppDeps) {
  const connection = deps.connectionState();
  const subscriptions = deps.status().map((s) => ({ name: s.name, queue: s.queue, circuit: s.circuit, inFlight: s.inFlight, paused: s.paused }));
  const draining = deps.draining();
  const consuming = deps.consuming();
  const ready =
    !draining && consuming && (connection === 'ready' || connection === 'blocked') && subscriptions.every((s) => s.circuit === 'closed');
  return { ready, status: ready ? 'ready' : 'unready', connection, consuming, draining, subscriptions };
}
