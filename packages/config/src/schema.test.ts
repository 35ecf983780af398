import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseEnv } from './load.js';
import { buildTopology } from './topology.js';

const valid = `
topics:
  orders: {exchange: orders, routingKey: order.created}
subscriptions:
  billing:
    queue: billing.orders
    bind: [{topic: orders, routingKey: "order.*"}]
    deliver: {url: "http://127.0.0.1:3000/orders"}
`;

describe('parseConfig', () => {
  it('fills defaults from the contract', () => {
    const config = parseConfig(valid, 'mq.yaml');
    expect(config.topics.orders).toMatchObject({ maxBytes: 262144, allowRoutingKey: false });
    expect(config.subscriptions.billing).toMatchObject({
      prefetch: 32,
      concurrency: 16,
      deadLetter: true,
      retry: { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30000, multiplier: 2 },
      deliver: { timeoutMs: 10000 },
    });
  });

  it('names the path of a subscription bound to an unknown topic', () => {
    expect(() => parseConfig(valid.replace('{topic: orders', '{topic: shipments'), 'mq.yaml')).toThrow(
      /^mq\.yaml: subscriptions\.billing\.bind\.0\.topic: unknown topic "shipments"/,
    );
  });

  it('rejects unknown keys and unparsable files with one line', () => {
    expect(() => parseConfig('topics: {}\nbogus: 1', 'x.yaml')).toThrow(/x\.yaml: .*bogus/);
    expect(() => parseConfig('topics: [', 'x.yaml')).toThrow(ConfigError);
  });
});

describe('parseEnv', () => {
  it('splits AMQP_URL into cluster nodes and rejects a bad one', () => {
    expect(parseEnv({ AMQP_URL: 'amqps://a:5671, amqps://b:5672' }, 8080).AMQP_URL).toEqual([
      'amqps://a:5671',
      'amqps://b:5672',
    ]);
    expect(() => parseEnv({ AMQP_URL: 'http://x' }, 8080)).toThrow(/environment: AMQP_URL/);
  });
});

describe('buildTopology', () => {
  it('maps bindings to exchanges and patterns', () => {
    const topology = buildTopology(parseConfig(valid, 'mq.yaml'), { withQueues: true });
    expect(topology.exchanges).toEqual(['orders']);
    expect(topology.queues[0]).toMatchObject({
      name: 'billing.orders',
      bindings: [{ exchange: 'orders', routingKey: 'order.*' }],
      deadLetter: true,
    });
  });
});
