import { Hono, type Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { PurgeConfirm, ReplayOutcome } from './outcome.js';

/** Renders a view as a Hono route would. */
const render = (view: Parameters<Context['html']>[0]) => new Hono().get('/', (c) => c.html(view)).request('/').then((r) => r.text());

describe('console outcomes', () => {
  it('names every message that stayed parked after a partial replay', async () => {
    const html = await render(ReplayOutcome({ result: { replayed: 1, failed: [{ id: 'm-2', error: 'the broker refused the message' }], notParked: [] } }));
    expect(html).toContain('Replayed 1 message');
    expect(html).toContain('1 message stayed parked');
    expect(html).toContain('<code>m-2</code>: the broker refused the message');
    expect(html).toContain('outcome bad');
  });

  it('escapes what it shows and names the count to confirm a purge', async () => {
    const html = await render(ReplayOutcome({ result: { replayed: 0, failed: [{ id: '<script>', error: 'x' }], notParked: [] } }));
    expect(html).not.toContain('<script>');
    const confirm = await render(PurgeConfirm({ name: 'billing', parked: 10_000, action: '/console/ui/s/billing/purge' }));
    expect(confirm).toContain('Purge <strong>10,000 parked messages</strong> of billing?');
    expect(confirm).toContain('Type 10000 to confirm');
  });
});
