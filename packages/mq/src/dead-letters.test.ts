import type { SyncMessage } from 'rabbitmq-client';
import { describe, expect, it } from 'vitest';
import { toParked } from './dead-letters.js';

const parked = (fields: Partial<SyncMessage>) => toParked({ body: Buffer.from('b'), exchange: '', routingKey: 'q.dlq', ...fields } as SyncMessage);

describe('toParked', () => {
  it('reads our failure headers', () => {
    const message = parked({
      messageId: 'm1',
      headers: {
        'x-mq-attempt': 5, 'x-mq-last-error': 'Error: boom', 'x-mq-original-exchange': 'orders', 'x-mq-original-routing-key': 'order.created',
        'x-mq-first-failure-at': '2026-01-01T00:00:00.000Z', 'x-mq-last-failure-at': '2026-01-01T00:01:00.000Z',
      },
    });
    expect(message).toMatchObject({ id: 'm1', attempts: 5, lastError: 'Error: boom', originalExchange: 'orders', originalRoutingKey: 'order.created' });
    expect(message.lastFailureAt.toISOString()).toBe('2026-01-01T00:01:00.000Z');
  });

  it('explains a message the broker dead-lettered itself (e.g. the 4.x delivery limit)', () => {
    const message = parked({
      headers: { 'x-mq-park-id': 'p1', 'x-death': [{ reason: 'delivery_limit', queue: 'q', exchange: 'orders', 'routing-keys': ['order.created'], count: 1 }] },
    });
    expect(message).toMatchObject({ id: 'p1', attempts: 1, lastError: 'dead-lettered by the broker: delivery_limit', originalExchange: 'orders', originalRoutingKey: 'order.created' });
  });
});
