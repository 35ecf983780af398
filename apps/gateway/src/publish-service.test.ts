import type { OutgoingMessage, PublishResult, Publisher } from '@mq/mq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from './metrics.js';
import { createPublishService } from './publish-service.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A publisher that confirms the messages whose id starts with "ok" and never answers the rest. */
const stallingPublisher: Publisher = {
  publish: (m: OutgoingMessage) => (m.messageId?.startsWith('ok') ? Promise.resolve({ messageId: m.messageId }) : new Promise<PublishResult>(() => undefined)),
  close: () => Promise.resolve(),
};

function message(messageId: string): OutgoingMessage {
  return { exchange: 'orders', routingKey: 'order.created', body: Buffer.from('{}'), messageId };
}

describe('publishAll', () => {
  it('settles each message on its own and times out the unanswered ones at the shared deadline', async () => {
    vi.useFakeTimers();
    const metrics = createMetrics(() => 'ready', false);
    const service = createPublishService({ publisher: stallingPublisher, metrics, maxInFlight: 10, deadlineMs: 5000 });
    const settled = service.publishAll('orders', [message('ok-1'), message('stuck-1'), message('ok-2')]);
    await vi.advanceTimersByTimeAsync(5000);
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: 'PUBLISH_TIMEOUT' } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its one timer when every message was answered in time', async () => {
    vi.useFakeTimers();
    const metrics = createMetrics(() => 'ready', false);
    const service = createPublishService({ publisher: stallingPublisher, metrics, maxInFlight: 10, deadlineMs: 5000 });
    const results = await service.publishAll('orders', [message('ok-1'), message('ok-2')]);
    expect(results).toEqual([{ status: 'fulfilled', value: { messageId: 'ok-1' } }, { status: 'fulfilled', value: { messageId: 'ok-2' } }]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
