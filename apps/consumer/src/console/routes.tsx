import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import type { ReplayResult } from '@mq/mq';
import type { ParkedMessageJson } from '../admin/message-json.js';
import { callAdmin, type AdminApi } from './admin-client.js';
import { consoleAsset } from './assets.js';
import { Shell } from './layout.js';
import { MessagePage } from './views/message.js';
import { Problem, PurgeConfirm, PurgeOutcome, ReplayOutcome } from './views/outcome.js';
import { ParkedPage, type GroupsBody, type PageBody } from './views/parked.js';
import { SubscriptionsPage, SubscriptionsTable, type StatusBody } from './views/subscriptions.js';

export interface ConsoleDeps {
  api: AdminApi;
}

/** Rows a page of parked messages shows. */
const PAGE_SIZE = 50;

/**
 * Scripts, styles and requests from this origin only; nothing inline, nothing framed. htmx runs
 * with eval off, so `script-src 'self'` holds.
 */
const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  crossOriginEmbedderPolicy: 'require-corp',
});

const sub = (c: Context) => c.req.param('name') ?? '';
const enc = encodeURIComponent;
/** A form field as text ('' when absent or a file). */
const field = (form: Record<string, unknown>, key: string): string => (typeof form[key] === 'string' ? form[key] : '');

/** `/console`: the page, its assets, and the fragments htmx loads (each one admin API call or two). */
export function createConsole(deps: ConsoleDeps): Hono {
  const app = new Hono();
  const api = <T,>(c: Context, path: string, init?: { method?: string; body?: unknown }) => callAdmin<T>(deps.api, c, path, init);
  app.use('*', headers);
  app.use('/ui/*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store'); // fragments carry message bodies
  });

  app.get('/assets/:name', async (c) => {
    const asset = await consoleAsset(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(typeof asset.body === 'string' ? asset.body : new Uint8Array(asset.body), 200, {
      'content-type': asset.contentType,
      'cache-control': 'no-cache',
    });
  });

  registerStatusViews(app, api);
  registerParkedViews(app, api);
  registerMessageAndPurge(app, api);
  app.all('/ui/*', (c) => c.html(<Problem status={404} code="NOT_FOUND" detail={`no console view ${c.req.path}`} />, 404));
  app.get('*', (c) => c.html(html`<!doctype html>${<Shell />}`));
  return app;
}

type Api = <T>(c: Context, path: string, init?: { method?: string; body?: unknown }) => ReturnType<typeof callAdmin<T>>;

/** The login check and the subscriptions page (its table refreshes itself). */
function registerStatusViews(app: Hono, api: Api): void {
  app.get('/ui/check', async (c) => {
    const answer = await api(c, '/v1/subscriptions');
    return answer.ok ? c.text('ok') : c.text(answer.detail, answer.status as 401);
  });

  app.get('/ui/subscriptions', async (c) => {
    const answer = await api<StatusBody>(c, '/v1/status');
    return answer.ok ? c.html(<SubscriptionsPage status={answer.body} />) : c.html(<Problem {...answer} />, answer.status as 401);
  });
  app.get('/ui/subscriptions/table', async (c) => {
    const answer = await api<StatusBody>(c, '/v1/status');
    return answer.ok ? c.html(<SubscriptionsTable status={answer.body} />) : c.html(<Problem {...answer} />, answer.status as 401);
  });
}

/** A subscription's parked messages (groups and one page) and the replay of a selection, a group or all. */
function registerParkedViews(app: Hono, api: Api): void {
  app.get('/ui/s/:name', async (c) => {
    const reason = c.req.query('reason');
    const offset = Math.max(0, Number.parseInt(c.req.query('offset') ?? '0', 10) || 0);
    const query = new URLSearchParams({ offset: String(offset), limit: String(PAGE_SIZE), ...(reason === undefined ? {} : { reason }) });
    const groups = await api<GroupsBody>(c, `/v1/subscriptions/${enc(sub(c))}/dead-letters/groups`);
    if (!groups.ok) return c.html(<Problem {...groups} />, groups.status as 401);
    const page = await api<PageBody>(c, `/v1/subscriptions/${enc(sub(c))}/dead-letters/summaries?${query.toString()}`);
    if (!page.ok) return c.html(<Problem {...page} />, page.status as 401);
    return c.html(<ParkedPage name={sub(c)} reason={reason} groups={groups.body} page={page.body} />);
  });

  app.post('/ui/s/:name/replay', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ids = [form.ids ?? []].flat().filter((id): id is string => typeof id === 'string');
    const action = form.action;
    const body = action === 'all' ? { all: true } : action === 'group' ? { reason: field(form, 'reason') } : { ids };
    if (action !== 'all' && action !== 'group' && ids.length === 0) {
      return c.html(<Problem status={400} code="NOTHING_SELECTED" detail="Select at least one message to replay." />);
    }
    return replayed(c, await api<ReplayResult>(c, `/v1/subscriptions/${enc(sub(c))}/dead-letters/replay`, { method: 'POST', body }));
  });
}

/** The outcome of a replay, and a signal for the list to read the queue again. */
function replayed(c: Context, answer: Awaited<ReturnType<typeof callAdmin<ReplayResult>>>) {
  if (!answer.ok) return c.html(<Problem {...answer} />, answer.status as 401);
  c.header('hx-trigger', 'parked-changed');
  return c.html(<ReplayOutcome result={answer.body} />);
}

/** One message, its replay, and the purge. */
function registerMessageAndPurge(app: Hono, api: Api): void {
  app.get('/ui/s/:name/m/:id', async (c) => {
    const answer = await api<ParkedMessageJson>(c, `/v1/subscriptions/${enc(sub(c))}/dead-letters/${enc(c.req.param('id'))}`);
    if (!answer.ok) return c.html(<Problem {...answer} />, answer.status as 401);
    return c.html(<MessagePage name={sub(c)} message={answer.body} />);
  });

  app.post('/ui/s/:name/m/:id/replay', async (c) =>
    replayed(c, await api<ReplayResult>(c, `/v1/subscriptions/${enc(sub(c))}/dead-letters/${enc(c.req.param('id'))}/replay`, { method: 'POST' })),
  );

  registerPurge(app, api);
}

/** Purge: a confirmation naming the live count, then a purge at exactly that count. */
function registerPurge(app: Hono, api: Api): void {
  const purgeAction = (c: Context) => `/console/ui/s/${enc(sub(c))}/purge`;
  /** The count the confirmation names: the live one, not a snapshot's. */
  const parkedNow = async (c: Context) => {
    const status = await api<StatusBody>(c, '/v1/status');
    return status.ok ? { ok: true as const, parked: status.body.subscriptions.find((s) => s.name === sub(c))?.parked ?? 0 } : status;
  };

  app.get('/ui/s/:name/purge', async (c) => {
    const now = await parkedNow(c);
    if (!now.ok) return c.html(<Problem {...now} />, now.status as 401);
    return c.html(<PurgeConfirm name={sub(c)} parked={now.parked} action={purgeAction(c)} />);
  });

  app.post('/ui/s/:name/purge', async (c) => {
    const form = await c.req.parseBody();
    const expected = field(form, 'expected');
    if (field(form, 'confirm').trim() !== expected) {
      return c.html(<Problem status={400} code="NOT_CONFIRMED" detail={`Type ${expected} to confirm the purge; nothing was purged.`} />);
    }
    const answer = await api<{ purged: number }>(c, `/v1/subscriptions/${enc(sub(c))}/dead-letters?expected=${enc(expected)}`, { method: 'DELETE' });
    if (answer.ok) {
      c.header('hx-trigger', 'parked-changed');
      return c.html(<PurgeOutcome purged={answer.body.purged} />);
    }
    const now = answer.code === 'COUNT_MISMATCH' ? await parkedNow(c) : undefined;
    if (!now?.ok) return c.html(<Problem {...answer} />, answer.status as 401);
    // The count changed since the operator confirmed: say so, and ask again with the new count.
    return c.html(
      <>
        <Problem {...answer} />
        <PurgeConfirm name={sub(c)} parked={now.parked} action={purgeAction(c)} />
      </>,
    );
  });
}
