import { deadLetterQueueName, type DeadLetterAdmin, type ReplaySelection } from '@mq/mq';
import { Hono, type Context } from 'hono';
import { failureReason } from './failure-reason.js';
import { messageJson } from './message-json.js';
import { pageOf, ParkedIndex } from './parked-index.js';
import { problem } from './problem.js';

export interface AdminSubscription {
  name: string;
  queue: string;
  deadLetter: boolean;
  /** The delay queues of its retry policy, shortest first. */
  retryQueues?: Array<{ delayMs: number; queue: string }>;
}

export interface AdminRoutesDeps {
  subscriptions: AdminSubscription[];
  deadLetters: DeadLetterAdmin;
  /** Shared with the console; made here when not given. */
  index?: ParkedIndex;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * The dead-letter admin API, mounted under `/v1/subscriptions`: list parked messages (without
 * removing them), group and page them, show one, replay one, some, a group or all, purge.
 */
export function createAdminRoutes(deps: AdminRoutesDeps): Hono {
  const app = new Hono();
  const byName = new Map(deps.subscriptions.map((s) => [s.name, s]));
  const index = deps.index ?? new ParkedIndex(deps.deadLetters);

  const subscriptionOf = (c: Context): AdminSubscription | Response => {
    const sub = byName.get(c.req.param('name') ?? '');
    if (!sub) return problem(c, 404, 'UNKNOWN_SUBSCRIPTION', `no subscription "${c.req.param('name')}"`);
    if (!sub.deadLetter) return problem(c, 409, 'NO_DEAD_LETTER_QUEUE', `subscription "${sub.name}" has deadLetter: false`);
    return sub;
  };

  app.get('/', (c) =>
    c.json(deps.subscriptions.map((s) => ({ name: s.name, queue: s.queue, deadLetterQueue: s.deadLetter ? deadLetterQueueName(s.queue) : null }))),
  );

  const routes: Routes = { deadLetters: deps.deadLetters, index, subscriptionOf };
  registerReads(app, routes);
  registerActions(app, routes);
  return app;
}

interface Routes {
  deadLetters: DeadLetterAdmin;
  index: ParkedIndex;
  subscriptionOf: (c: Context) => AdminSubscription | Response;
}

/** Listing, groups, pages and one message: none of them removes anything. */
function registerReads(app: Hono, { deadLetters, index, subscriptionOf }: Routes): void {
  app.get('/:name/dead-letters', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const limit = parseInteger(c.req.query('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
    if (limit === undefined) return problem(c, 400, 'BAD_REQUEST', `limit must be an integer 1..${MAX_LIMIT}`);
    const parked = await deadLetters.list(sub.queue, limit);
    return c.json({ subscription: sub.name, queue: deadLetterQueueName(sub.queue), messages: parked.map(messageJson) });
  });

  app.get('/:name/dead-letters/groups', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const snapshot = await index.snapshot(sub.queue);
    return c.json({ subscription: sub.name, total: snapshot.total, takenAt: snapshot.takenAt.toISOString(), groups: snapshot.groups });
  });

  app.get('/:name/dead-letters/summaries', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const offset = parseInteger(c.req.query('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = parseInteger(c.req.query('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
    if (offset === undefined || limit === undefined) return problem(c, 400, 'BAD_REQUEST', `offset must be an integer >= 0 and limit 1..${MAX_LIMIT}`);
    const page = pageOf(await index.snapshot(sub.queue), { reason: c.req.query('reason'), offset, limit });
    return c.json({ subscription: sub.name, ...page });
  });

  app.get('/:name/dead-letters/:id', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const id = c.req.param('id');
    const found = await findParked(deadLetters, sub.queue, id);
    if (!found) return problem(c, 404, 'NOT_PARKED', `no parked message "${id}"`);
    return c.json(found);
  });
}

/** Replay and purge; each refreshes the snapshot the groups and pages read. */
function registerActions(app: Hono, { deadLetters, index, subscriptionOf }: Routes): void {
  app.post('/:name/dead-letters/replay', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const selection = parseSelection(await c.req.json().catch(() => undefined));
    if (typeof selection === 'string') return problem(c, 400, 'BAD_REQUEST', selection);
    const result = await deadLetters.replay(sub.queue, selection.select);
    index.invalidate(sub.queue);
    return c.json(result);
  });

  app.post('/:name/dead-letters/:id/replay', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const result = await deadLetters.replay(sub.queue, [c.req.param('id')]);
    index.invalidate(sub.queue);
    if (result.notParked.length > 0) return problem(c, 404, 'NOT_PARKED', `no parked message "${c.req.param('id')}"`);
    return c.json(result);
  });

  app.delete('/:name/dead-letters', async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const raw = c.req.query('expected');
    const expected = raw === undefined ? undefined : parseInteger(raw, 0, 0, Number.MAX_SAFE_INTEGER);
    if (raw !== undefined && expected === undefined) return problem(c, 400, 'BAD_REQUEST', 'expected must be an integer >= 0');
    const result = await deadLetters.purge(sub.queue, expected);
    index.invalidate(sub.queue);
    if (expected !== undefined && result.parked !== expected) {
      return problem(c, 409, 'COUNT_MISMATCH', `${result.parked} messages are parked, not ${expected}: nothing was purged`);
    }
    return c.json(result);
  });
}

/** Browses until the id turns up: one message's body without holding every body in memory. */
async function findParked(deadLetters: DeadLetterAdmin, queue: string, id: string) {
  let found: ReturnType<typeof messageJson> | undefined;
  await deadLetters.browse(queue, (message) => {
    if (message.id !== id) return true;
    found = messageJson(message);
    return false;
  });
  return found;
}

function parseInteger(value: string | undefined, fallback: number, min: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/**
 * `{"all": true}`, `{"ids": [...]}` or `{"reason": "HTTP 422"}` (one failure group, as parked
 * when the replay runs): replaying everything is never the accidental default.
 */
function parseSelection(body: unknown): { select: ReplaySelection } | string {
  const input = (body ?? {}) as { all?: unknown; ids?: unknown; reason?: unknown };
  const given = ['all', 'ids', 'reason'].filter((key) => (input as Record<string, unknown>)[key] !== undefined);
  if (given.length === 1 && input.all === true) return { select: undefined };
  const { ids, reason } = input;
  if (given.length === 1 && Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string')) return { select: ids };
  if (given.length === 1 && typeof reason === 'string' && reason !== '') return { select: (m) => failureReason(m.lastError) === reason };
  return 'body must be {"all": true}, {"ids": ["<id>", ...]} or {"reason": "<failure reason>"}';
}
