import type { IncomingMessage } from '@mq/mq';

/** A delivery as `@mq/mq` hands it to a handler, for unit tests. */
export function testMessage(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    body: Buffer.from('{"n":1}'),
    contentType: 'application/json',
    messageId: 'm-1',
    timestamp: new Date('2026-01-01T00:00:00Z'),
    exchange: 'orders',
    routingKey: 'order.created',
    headers: {},
    attempt: 1,
    queue: 'billing.orders',
    ...overrides,
  };
}
