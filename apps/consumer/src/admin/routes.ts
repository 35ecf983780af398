import { deadLetterQueueName, MQ_HEADERS, type DeadLetterAdmin, type ParkedMessage } from '@mq/mq';
import { Hono, type Context } from 'hono';
import { problem } from './problem.js';

export interface AdminSubscription {
  name: string;
  queue: string;
  deadLetter: boolean;
}

export interface AdminRoutesDeps {
  subscriptions: AdminSubscription[];
  deadLetters: DeadLetterAdmin;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * The dead-letter admin API, mounted under `/v1/subscriptions`:
 * list parked messages (without removing them), replay some or all, purge.
 */
export function createAdminRoutes(deps: AdminRoutesDeps): Hono {
  const app = new Hono();
  const byName = new Map(deps.subscriptions.map((s) => [s.name, s]));

  const subscriptionOf = (c: Context): AdminSubscription | Response => {
    const sub = byName.get(c.req.param('name') ?? '');
    if (!sub) return problem(c, 404, 'UNKNOWN_SUBSCRIPTION', `no subscription "${c.req.param('name')}"`);
    if (!sub.deadLetter) return problem(c, 409, 'NO_DEAD_LETTER_QUEUE', `subscription "${sub.name}" has deadLetter: false`);
    return sub;
  };

  app.get('/', (c) =>
    c.json(deps.subscriptions.map((s) => ({ name: s.name, queue: s.queue, deadLetterQueue: s.deadLetter ? deadLetterQueueName(s.queue) : null }))),
  );

  app.get('/:name/dead-letters', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const limit = parseLimit(c.req.query('limit'));
    if (limit === undefined) return problem(c, 400, 'BAD_REQUEST', `limit must be an integer 1..${MAX_LIMIT}`);
    const parked = await deps.deadLetters.list(sub.queue, limit);
    return c.json({ subscription: sub.name, queue: deadLetterQueueName(sub.queue), messages: parked.map(toJson) });
  });

  app.post('/:name/dead-letters/replay', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const selection = parseSelection(await c.req.json().catch(() => undefined));
    if (typeof selection === 'string') return problem(c, 400, 'BAD_REQUEST', selection);
    return c.json(await deps.deadLetters.replay(sub.queue, selection.ids));
  });

  app.post('/:name/dead-letters/:id/replay', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const result = await deps.deadLetters.replay(sub.queue, [c.req.param('id')]);
    if (result.replayed === 0) return problem(c, 404, 'NOT_PARKED', `no parked message "${c.req.param('id')}"`);
    return c.json(result);
  });

  app.delete('/:name/dead-letters', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    return c.json(await deps.deadLetters.purge(sub.queue));
  });
  return app;
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_LIMIT ? n : undefined;
}

/** `{"all": true}` or `{"ids": [...]}`: replaying everything is never the accidental default. */
function parseSelection(body: unknown): { ids: string[] | undefined } | string {
  const input = (body ?? {}) as { all?: unknown; ids?: unknown };
  if (input.all === true && input.ids === undefined) return { ids: undefined };
  const ids = input.ids;
  if (Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string')) return { ids };
  return 'body must be {"all": true} or {"ids": ["<id>", ...]}';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A parked message as JSON; a body that is not UTF-8 text is sent as base64. */
function toJson(message: ParkedMessage) {
  let body: string;
  let bodyEncoding: 'utf8' | 'base64' = 'utf8';
  try {
    body = utf8.decode(message.body);
  } catch {
    body = message.body.toString('base64');
    bodyEncoding = 'base64';
  }
  return {
    id: message.id,
    body,
    bodyEncoding,
    contentType: message.contentType ?? null,
    headers: jsonSafe(message.headers) as Record<string, unknown>,
    attempts: message.attempts,
    lastError: message.lastError,
    /** `exhausted` (out of attempts) or `unrecoverable` (the target said never). */
    parkedReason: typeof message.headers[MQ_HEADERS.parkedReason] === 'string' ? message.headers[MQ_HEADERS.parkedReason] : null,
    /** Times it was replayed before and failed again. */
    replays: Number(message.headers[MQ_HEADERS.replayCount] ?? 0),
    originalExchange: message.originalExchange,
    originalRoutingKey: message.originalRoutingKey,
    firstFailureAt: message.firstFailureAt.toISOString(),
    lastFailureAt: message.lastFailureAt.toISOString(),
  };
}

/** AMQP header values may be Buffers or bigints, which JSON cannot carry as they are. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
