import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { createBehaviour, parseRule, type Behaviour } from './behaviour.js';
import { createReceivedLog, type ReceivedLog } from './received.js';

export interface SampleAppOptions {
  /** How many deliveries `GET /received` keeps. @default 10000 */
  keep?: number;
  /** One line per delivery; omit for silence. */
  log?: (line: string) => void;
}

export interface SampleApp {
  app: Hono<{ Bindings: HttpBindings }>;
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
  const app = new Hono<{ Bindings: HttpBindings }>();

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
  app.post('*', (c) => deliver(c, received, behaviour, options.log));
  // A consumer probes an app it stopped delivering to with HEAD (Hono routes HEAD as GET);
  // answer as a delivery would.
  app.get('*', (c) => c.body(null, behaviour.peek(c.req.path) as 200));
  return { app, received, behaviour };
}

async function deliver(
  c: Context<{ Bindings: HttpBindings }>,
  received: ReceivedLog,
  behaviour: Behaviour,
  log: ((line: string) => void) | undefined,
): Promise<Response> {
  const body = Buffer.from(await c.req.arrayBuffer());
  const answer = behaviour.answer(c.req.path, c.req.header('ce-id'));
  const contentType = c.req.header('content-type');
  received.record({
    path: c.req.path,
    headers: c.req.header(),
    body: body.toString('utf8'),
    contentType,
    size: body.length,
    status: answer.reset ? 0 : answer.status,
    time: new Date().toISOString(),
  });
  log?.(
    `delivery ce-id=${c.req.header('ce-id') ?? '-'} ce-type=${c.req.header('ce-type') ?? '-'} ` +
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
