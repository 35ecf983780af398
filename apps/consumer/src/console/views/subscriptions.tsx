import { count, delay, urls } from './format.js';

export interface SubscriptionRow {
  name: string;
  queue: string;
  ready: number | null;
  consumers: number | null;
  parked: number | null;
  retrying: Array<{ delayMs: number; messages: number | null }>;
  inFlight: number;
  paused: boolean;
  circuit: string;
  deliveriesPerSecond: number;
}

export interface StatusBody {
  connection: string;
  subscriptions: SubscriptionRow[];
}

function Retrying({ retrying }: { retrying: SubscriptionRow['retrying'] }) {
  const total = retrying.reduce((sum, r) => sum + (r.messages ?? 0), 0);
  const waiting = retrying.filter((r) => (r.messages ?? 0) > 0);
  return (
    <td class="num">
      {count(total)}
      {waiting.length > 0 && <div class="muted">{waiting.map((r) => `${count(r.messages)} in ${delay(r.delayMs)}`).join(', ')}</div>}
    </td>
  );
}

/** The live table; it replaces itself every 2 s. */
export function SubscriptionsTable({ status }: { status: StatusBody }) {
  const connected = status.connection === 'ready' || status.connection === 'blocked';
  return (
    <div id="subscriptions" hx-get="/console/ui/subscriptions/table" hx-trigger="every 2s" hx-swap="outerHTML">
      <p>
        Broker connection: <strong class={connected ? 'good' : 'bad'}>{status.connection}</strong>
      </p>
      <table>
        <caption class="sr-only">Subscriptions</caption>
        <thead>
          <tr>
            <th scope="col">Subscription</th>
            <th scope="col">Queue</th>
            <th scope="col" class="num">Ready</th>
            <th scope="col" class="num">Parked</th>
            <th scope="col" class="num">Waiting retries</th>
            <th scope="col" class="num">In flight</th>
            <th scope="col" class="num">Deliveries/s</th>
            <th scope="col">Circuit</th>
            <th scope="col">Consumer</th>
          </tr>
        </thead>
        <tbody>
          {status.subscriptions.map((s) => (
            <tr data-subscription={s.name}>
              <th scope="row">
                <a href={urls.parked(s.name).page} hx-get={urls.parked(s.name).ui} hx-target="#main" hx-push-url={urls.parked(s.name).page}>
                  {s.name}
                </a>
              </th>
              <td>{s.queue}</td>
              <td class="num">{count(s.ready)}</td>
              <td class="num" data-field="parked">{count(s.parked)}</td>
              <Retrying retrying={s.retrying} />
              <td class="num">{count(s.inFlight)}</td>
              <td class="num">{s.deliveriesPerSecond.toFixed(1)}</td>
              <td class={s.circuit === 'closed' ? 'good' : 'bad'}>{s.circuit}</td>
              <td class={connected && !s.paused ? 'good' : 'warn'}>
                {!connected ? 'disconnected' : s.paused ? 'paused' : 'consuming'}
                <span class="muted"> ({count(s.consumers)} on queue)</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SubscriptionsPage({ status }: { status: StatusBody }) {
  return (
    <>
      <h2>Subscriptions</h2>
      <SubscriptionsTable status={status} />
    </>
  );
}
