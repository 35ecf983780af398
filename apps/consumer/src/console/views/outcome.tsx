import type { ReplayResult } from '@mq/mq';
import { count, plural } from './format.js';

/** A problem the admin API answered, in words. */
export function Problem({ status, code, detail }: { status: number; code: string; detail: string }) {
  return (
    <div class="outcome bad" role="alert">
      <strong>{code}</strong> ({status}): {detail}
    </div>
  );
}

/** What a replay did; a partial one names every message that stayed parked and why. */
export function ReplayOutcome({ result }: { result: ReplayResult }) {
  const stayed = result.failed.length;
  const bad = stayed > 0 || result.stoppedEarly !== undefined || (result.replayed === 0 && result.notParked.length > 0);
  return (
    <div class={bad ? 'outcome bad' : 'outcome'} data-outcome="replay">
      <p>
        <strong>Replayed {plural(result.replayed, 'message')}</strong> to the work queue (each confirmed there before it left the dead-letter queue).
      </p>
      {stayed > 0 && (
        <>
          <p>{plural(stayed, 'message')} stayed parked because republishing failed:</p>
          <ul>
            {result.failed.map((f) => (
              <li><code>{f.id}</code>: {f.error}</li>
            ))}
          </ul>
        </>
      )}
      {result.stoppedEarly !== undefined && <p>The replay stopped early ({result.stoppedEarly}); every message not replayed stayed parked.</p>}
      {result.notParked.length > 0 && (
        <p>Not parked (any more): {result.notParked.map((id) => <code>{id} </code>)}</p>
      )}
    </div>
  );
}

/** The purge confirmation: it names the count, and the purge only happens at that count. */
export function PurgeConfirm({ name, parked, action }: { name: string; parked: number; action: string }) {
  return (
    <form id="purge-form" class="outcome bad" hx-post={action} hx-target="#outcome" hx-disabled-elt="#purge-form button" data-outcome="purge-confirm">
      <p>
        Purge <strong>{plural(parked, 'parked message')}</strong> of {name}? They are deleted for good.
      </p>
      <input type="hidden" name="expected" value={String(parked)} />
      <label for="purge-confirm">Type {parked} to confirm</label>
      <input id="purge-confirm" name="confirm" type="text" inputmode="numeric" autocomplete="off" required />
      <button type="submit" class="danger">Purge {count(parked)}</button>
    </form>
  );
}

export function PurgeOutcome({ purged }: { purged: number }) {
  return (
    <div class="outcome" data-outcome="purge">
      <strong>Purged {plural(purged, 'message')}.</strong>
    </div>
  );
}
