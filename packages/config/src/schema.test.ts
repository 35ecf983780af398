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

describe('deliver.signing', () => {
  const withSigning = (signing: string) => valid.replace('deliver: {url: "http://127.0.0.1:3000/orders"}', `deliver: {url: "http://127.0.0.1:3000/orders", signing: ${signing}}`);

  it('takes one env name or a list, and always gives a list', () => {
    expect(parseConfig(withSigning('{env: BILLING_SIGNING_SECRET}'), 'mq.yaml').subscriptions.billing?.deliver).toMatchObject({
      signing: { env: ['BILLING_SIGNING_SECRET'] },
    });
    expect(parseConfig(withSigning('{env: [NEW_SECRET, OLD_SECRET]}'), 'mq.yaml').subscriptions.billing?.deliver).toMatchObject({
      signing: { env: ['NEW_SECRET', 'OLD_SECRET'] },
    });
  });

  it('rejects what is not an env var name, an empty list and unknown keys', () => {
    expect(() => parseConfig(withSigning('{env: "whsec_abc="}'), 'mq.yaml')).toThrow(/subscriptions\.billing\.deliver\.signing\.env\.0: an environment variable name/);
    expect(() => parseConfig(withSigning('{env: [OK, lower]}'), 'mq.yaml')).toThrow(/subscriptions\.billing\.deliver\.signing\.env\.1: an environment variable name/);
    expect(() => parseConfig(withSigning('{env: []}'), 'mq.yaml')).toThrow(/subscriptions\.billing\.deliver/);
    expect(() => parseConfig(withSigning('{env: A, secret: x}'), 'mq.yaml')).toThrow(/subscriptions\.billing\.deliver/);
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

describe('topics.*.maxDelay', () => {
  const withMaxDelay = (value: string) => valid.replace('routingKey: order.created}', `routingKey: order.created, maxDelay: ${value}}`);

  it('defaults to 7 days and takes seconds or an ISO-8601 duration, in ms', () => {
    expect(parseConfig(valid, 'mq.yaml').topics.orders?.maxDelay).toBe(604_800_000);
    expect(parseConfig(withMaxDelay('3600'), 'mq.yaml').topics.orders?.maxDelay).toBe(3_600_000);
    expect(parseConfig(withMaxDelay('PT15M'), 'mq.yaml').topics.orders?.maxDelay).toBe(900_000);
    expect(parseConfig(withMaxDelay('0'), 'mq.yaml').topics.orders?.maxDelay).toBe(0);
  });

  it.each(['P1Y', '-5', '1.5', 'P30D', 'soon'])('refuses %s', (value) => {
    expect(() => parseConfig(withMaxDelay(value), 'mq.yaml')).toThrow(/topics\.orders\.maxDelay/);
  });

  it('declares the delay levels of the longest maxDelay', () => {
    expect(buildTopology(parseConfig(withMaxDelay('PT1H'), 'mq.yaml'), { withQueues: false }).maxDelayMs).toBe(3_600_000);
  });
});
