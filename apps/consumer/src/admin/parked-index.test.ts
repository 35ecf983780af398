import type { DeadLetterAdmin, ParkedMessage } from '@mq/mq';
import { describe, expect, it, vi } from 'vitest';
import { pageOf, ParkedIndex } from './parked-index.js';

const message = (id: string, lastError: string, at: string): ParkedMessage => ({
  id, body: Buffer.from('x'), contentType: undefined, headers: {}, attempts: 1, lastError,
  originalExchange: 'orders', originalRoutingKey: 'order.created', firstFailureAt: new Date(at), lastFailureAt: new Date(at),
});

function fakeAdmin(messages: ParkedMessage[]) {
  const browse = vi.fn((_queue: string, visit: (m: ParkedMessage) => boolean | void) => {
    for (const m of messages) if (visit(m) === false) break;
    return Promise.resolve(messages.length);
  });
  return { admin: { browse } as unknown as DeadLetterAdmin, browse };
}

describe('ParkedIndex', () => {
  const queueOrder = [
    message('a', 'UnrecoverableError: HTTP 422: x', '2026-01-01T00:00:00Z'),
    message('b', 'RetryLaterError: HTTP 503', '2026-01-01T00:00:00Z'),
    message('c', 'UnrecoverableError: HTTP 422: y', '2026-01-01T00:05:00Z'),
  ];

  it('groups by failure reason and orders newest first, later-parked first on equal times', async () => {
    const { admin } = fakeAdmin(queueOrder);
    const snapshot = await new ParkedIndex(admin).snapshot('q');
    expect(snapshot.entries.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(snapshot.groups).toMatchObject([
      { reason: 'HTTP 422', count: 2, newestFailureAt: '2026-01-01T00:05:00.000Z', example: 'UnrecoverableError: HTTP 422: y' },
      { reason: 'HTTP 503', count: 1 },
    ]);
    expect(pageOf(snapshot, { reason: 'HTTP 422', offset: 1, limit: 10 })).toMatchObject({ total: 2, messages: [{ id: 'a' }] });
    expect(pageOf(snapshot, { reason: 'nope', offset: 0, limit: 10 })).toMatchObject({ total: 0, messages: [] });
  });

  it('reads the queue once for concurrent and recent requests, again when old or invalidated', async () => {
    let now = 0;
    const { admin, browse } = fakeAdmin(queueOrder);
    const index = new ParkedIndex(admin, { maxAgeMs: 5000, now: () => now });
    await Promise.all([index.snapshot('q'), index.snapshot('q')]);
    now = 4999;
    await index.snapshot('q');
    expect(browse).toHaveBeenCalledTimes(1);
    now = 5000;
    await index.snapshot('q');
    index.invalidate('q');
    await index.snapshot('q');
    expect(browse).toHaveBeenCalledTimes(3);
  });

  it('does not keep a failed read', async () => {
    const { admin, browse } = fakeAdmin(queueOrder);
    browse.mockRejectedValueOnce(new Error('channel closed'));
    const index = new ParkedIndex(admin);
    await expect(index.snapshot('q')).rejects.toThrow('channel closed');
    expect((await index.snapshot('q')).total).toBe(3);
  });
});
