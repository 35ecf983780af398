import type { ParkedMessageJson } from '../../admin/message-json.js';
import { previewBody } from './body-preview.js';
import { count, time, urls } from './format.js';

/** One parked message: why it failed, its body and headers, and a replay button. */
export function MessagePage({ name, message }: { name: string; message: ParkedMessageJson }) {
  const preview = previewBody(message.body, message.bodyEncoding, message.contentType);
  const back = urls.parked(name, { reason: message.reason });
  const replay = `${urls.message(name, message.id).ui}/replay`;
  return (
    <>
      <p>
        <a href={back.page} hx-get={back.ui} hx-target="#main" hx-push-url={back.page}>← {name}: {message.reason}</a>
      </p>
      <h2>
        Message <code data-message-id={message.id}>{message.id}</code>
      </h2>
      <div id="outcome" role="status" aria-live="polite"></div>
      <div class="actions">
        <button type="button" hx-post={replay} hx-target="#outcome" hx-disabled-elt="this">Replay this message</button>
      </div>
      <dl>
        <dt>Reason</dt><dd>{message.reason} ({message.parkedReason ?? 'parked'})</dd>
        <dt>Last error</dt><dd class="bad" data-field="last-error">{message.lastError}</dd>
        <dt>Attempts</dt><dd>{message.attempts}</dd>
        <dt>Replays before</dt><dd>{message.replays}</dd>
        <dt>First failure</dt><dd>{time(message.firstFailureAt)}</dd>
        <dt>Last failure</dt><dd>{time(message.lastFailureAt)}</dd>
        <dt>Published to</dt><dd>exchange “{message.originalExchange}”, routing key “{message.originalRoutingKey}”</dd>
        <dt>Content type</dt><dd>{message.contentType ?? '(none)'}, {count(message.bodyBytes)} bytes</dd>
      </dl>
      <h3>Body <span class="muted">({preview.kind === 'hex' ? 'binary, hex' : preview.kind})</span></h3>
      <pre data-field="body" tabindex={0} aria-label="Message body">{preview.text}</pre>
      {preview.truncated && <p class="muted">Only the first KiB is shown.</p>}
      <h3>Headers</h3>
      <table>
        <thead>
          <tr><th scope="col">Header</th><th scope="col">Value</th></tr>
        </thead>
        <tbody>
          {Object.entries(message.headers).map(([key, value]) => (
            <tr><th scope="row"><code>{key}</code></th><td><code>{typeof value === 'string' ? value : JSON.stringify(value)}</code></td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
