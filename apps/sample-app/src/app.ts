import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import type { DeliveryEvent } from '@mq/receiver';
import { verifyDeliveryMiddleware, type DeliveryVariables } from '@mq/receiver/hono';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { createBehaviour, parseRule, type Behaviour } from './behaviour.js';
import { createReceivedLog, type ReceivedDelivery, type ReceivedLog } from './received.js';

export interface SampleAppOptions {
  /** How many deliveries `GET /received` keeps. @default 10000 */
  keep?: number;
  /** One line per delivery; omit for silence. */
  log?: (line: string) => void;
  /**
   * `whsec_` secrets of the subscription's `deliver.signing`: deliveries are then verified with
   * `@mq/receiver` (bad ones answered 401/400 and recorded as refused). Absent = no verification.
   */
  signingSecrets?: string[];
}

type Env = { Bindings: HttpBindings; Variables: DeliveryVariables };

export interface SampleApp {
  app: Hono<Env>;
  received: ReceivedLog;
  behaviour: Behaviour;
}

/**
 * The app a consumer delivers to: records every POST, answers as scripted through `/control`.
 * Reserved paths: `/livez`, `/received`, `/control`; every other POST path is a delivery.
 */
export function createSampleApp(options: SampleAppOptions = {}): SampleApp {
  const received = createReceivedLog(options.keep ?? 10_000);
  const behaviour = createBehaviour();
  const app = new Hono<Env>();

  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/received', (c) => c.json(received.list(c.req.query('path'))));
  app.get('/received/count', (c) => c.json({ total: received.total }));
  app.delete('/received', (c) => {
    received.clear();
    return c.body(null, 204);
  });
  app.get('/control', (c) => c.json(behaviour.list()));
  app.delete('/control', (c) => {
    behaviour.clear();
    return c.body(null, 204);
  });
  app.post('/control', async (c) => {
    const rule = parseRule(await c.req.json().catch(() => undefined));
    if (typeof rule === 'string') return c.json({ error: rule }, 400);
    behaviour.add(rule);
    return c.json(behaviour.list(), 201);
  });
  if (options.signingSecrets?.length) app.post('*', verifying(options.signingSecrets, received, options.log));
  app.post('*', (c) => deliver(c, received, behaviour, options.log));
  // A consumer probes an app it stopped delivering to with HEAD (Hono routes HEAD as GET);
  // answer as a delivery would.
  app.get('*', (c) => c.body(null, behaviour.peek(c.req.path) as 200));
  return { app, received, behaviour };
}

/** `@mq/receiver`'s middleware; a refused delivery is recorded (status 401/400, `refused`) too. */
function verifying(secrets: string[], received: ReceivedLog, log: ((line: string) => void) | undefined): MiddlewareHandler<Env> {
  return verifyDeliveryMiddleware<Env>({
    secrets,
    onRefused: (error, c) => {
      received.record({
        path: c.req.path, headers: c.req.header(), body: '', contentType: c.req.header('content-type'), size: 0,
        status: error.status, time: new Date().toISOString(), refused: error.code,
      });
      log?.(`refused delivery ce-id=${c.req.header('ce-id') ?? '-'} path=${c.req.path} code=${error.code}: ${error.message}`);
    },
  });
}

/** What the sample app shows of a verified delivery's CloudEvent. */
function eventSummary(event: DeliveryEvent): NonNullable<ReceivedDelivery['event']> {
  return { id: event.id, type: event.type, source: event.source, time: event.time, attempt: event.attempt, traceparent: event.traceparent };
}

async function deliver(
  c: Context<Env>,
  received: ReceivedLog,
  behaviour: Behaviour,
  log: ((line: string) => void) | undefined,
): Promise<Response> {
  const body = Buffer.from(await c.req.arrayBuffer());
  const answer = behaviour.answer(c.req.path, c.req.header('ce-id'));
  const contentType = c.req.header('content-type');
  // Set only when the app verifies (signingSecrets); unsigned deliveries have none.
  const event = c.get('delivery') as DeliveryEvent | undefined;
  received.record({
    path: c.req.path,
    headers: c.req.header(),
    body: body.toString('utf8'),
    contentType,
    size: body.length,
    status: answer.reset ? 0 : answer.status,
    time: new Date().toISOString(),
    ...(event ? { event: eventSummary(event) } : {}),
  });
  log?.(
    `${event ? 'verified ' : ''}delivery ce-id=${c.req.header('ce-id') ?? '-'} ce-type=${c.req.header('ce-type') ?? '-'} ` +
      `path=${c.req.path} content-type=${contentType ?? '-'} size=${body.length} answer=${answer.reset ? 'reset' : answer.status}`,
  );
  if (answer.delayMs > 0) await sleep(answer.delayMs);
  if (answer.reset) {
    c.env.incoming.socket.destroy();
    return c.body(null, 500); // never written: the socket is gone
  }
  if (answer.retryAfter !== undefined) c.header('retry-after', answer.retryAfter);
  return c.body(null, answer.status as 200);
}
