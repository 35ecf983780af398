import type { ParkedGroup } from '../../admin/parked-index.js';
import type { ParkedSummary } from '../../admin/message-json.js';
import { count, plural, time, urls } from './format.js';

export interface GroupsBody {
  total: number;
  takenAt: string;
  groups: ParkedGroup[];
}

export interface PageBody {
  total: number;
  offset: number;
  limit: number;
  messages: ParkedSummary[];
}

interface ParkedProps {
  name: string;
  reason: string | undefined;
  groups: GroupsBody;
  page: PageBody;
}

function nav(name: string, query: { reason?: string; offset?: number }) {
  const u = urls.parked(name, query);
  return { href: u.page, 'hx-get': u.ui, 'hx-target': '#main', 'hx-push-url': u.page };
}

function Groups({ name, reason, groups }: Omit<ParkedProps, 'page'>) {
  return (
    <nav aria-label="Failure groups" class="groups">
      <h3>Failure reasons</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col" class="num">Messages</th>
            <th scope="col">Newest failure</th>
            <th scope="col">Example</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              <a {...nav(name, {})} aria-current={reason === undefined ? 'true' : undefined}>All reasons</a>
            </td>
            <td class="num">{count(groups.total)}</td>
            <td colspan={2}></td>
          </tr>
          {groups.groups.map((g) => (
            <tr data-reason={g.reason}>
              <td>
                <a {...nav(name, { reason: g.reason })} aria-current={reason === g.reason ? 'true' : undefined}>{g.reason}</a>
              </td>
              <td class="num">{count(g.count)}</td>
              <td>{time(g.newestFailureAt)}</td>
              <td class="muted">{g.example}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </nav>
  );
}

function Pager({ name, reason, page }: Omit<ParkedProps, 'groups'>) {
  const last = Math.min(page.offset + page.limit, page.total);
  return (
    <div class="pager">
      {page.offset > 0 ? <a {...nav(name, { reason, offset: Math.max(0, page.offset - page.limit) })}>← Newer</a> : <span />}
      <span>
        {page.total === 0 ? 'No messages' : `${count(page.offset + 1)}–${count(last)} of ${count(page.total)}`}
      </span>
      {last < page.total ? <a {...nav(name, { reason, offset: page.offset + page.limit })} rel="next">Older →</a> : <span />}
    </div>
  );
}

function Rows({ name, messages }: { name: string; messages: ParkedSummary[] }) {
  return (
    <tbody>
      {messages.map((m) => {
        const link = urls.message(name, m.id);
        return (
          <tr data-id={m.id}>
            <td>
              <input type="checkbox" name="ids" value={m.id} id={`sel-${m.id}`} aria-label={`Select ${m.id}`} />
            </td>
            <td>
              <a href={link.page} hx-get={link.ui} hx-target="#main" hx-push-url={link.page}>{m.id}</a>
            </td>
            <td>{m.reason}</td>
            <td class="num">{m.attempts}</td>
            <td>{time(m.lastFailureAt)}</td>
            <td class="muted">{m.lastError}</td>
          </tr>
        );
      })}
    </tbody>
  );
}

/** A subscription's parked messages: groups, one page (newest first), and the actions on them. */
export function ParkedPage(props: ParkedProps) {
  const { name, reason, groups, page } = props;
  const base = `/console/ui/s/${encodeURIComponent(name)}`;
  return (
    <>
      <h2>
        Parked messages of <span data-subscription={name}>{name}</span>
      </h2>
      <p class="muted">As read from the dead-letter queue at {time(groups.takenAt)} (listing never removes a message).</p>
      <div id="outcome" role="status" aria-live="polite"></div>
      {/* After an action the list reads the queue again; the outcome above stays. */}
      <div id="parked-list" hx-get={urls.parked(name, { reason, offset: page.offset }).ui} hx-trigger="parked-changed from:body" hx-select="#parked-list" hx-swap="outerHTML">
      <Groups name={name} reason={reason} groups={groups} />
      <h3>{reason === undefined ? 'All parked messages' : `Reason: ${reason}`} <span class="muted">(newest first)</span></h3>
      <form id="parked-form" hx-post={`${base}/replay`} hx-target="#outcome" hx-disabled-elt="#parked-form button" hx-indicator="#parked-working">
        <div class="actions">
          <button type="submit" name="action" value="selected">Replay selected</button>
          {reason !== undefined && (
            <button type="submit" name="action" value="group" class="secondary">
              Replay group “{reason}” ({plural(page.total, 'message')})
            </button>
          )}
          <button type="submit" name="action" value="all" class="secondary">Replay all ({plural(groups.total, 'message')})</button>
          <button type="button" class="danger" hx-get={`${base}/purge`} hx-target="#outcome">Purge…</button>
          <span id="parked-working" class="htmx-indicator muted">Working… (a replay of thousands takes a while; each message is confirmed first)</span>
        </div>
        {reason !== undefined && <input type="hidden" name="reason" value={reason} />}
        <Pager name={name} reason={reason} page={page} />
        <table>
          <thead>
            <tr>
              <th scope="col"><span class="sr-only">Select</span></th>
              <th scope="col">Message id</th>
              <th scope="col">Reason</th>
              <th scope="col" class="num">Attempts</th>
              <th scope="col">Last failure</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <Rows name={name} messages={page.messages} />
        </table>
        <Pager name={name} reason={reason} page={page} />
      </form>
      </div>
    </>
  );
}
