import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@mq/config';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSettings } from './config.js';

const dir = await mkdtemp(join(tmpdir(), 'consumer-config-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function settingsFor(yaml: string, env: Record<string, string> = {}) {
  const path = join(dir, `${Math.random()}.yaml`);
  await writeFile(path, yaml);
  return buildSettings(loadConfig({ MQ_CONFIG: path }, 8081), env);
}

const base = `
topics:
  orders: {exchange: orders.x, routingKey: order.created}
subscriptions:
  billing:
    queue: billing.orders
    bind: [{topic: orders}]
    deliver: {url: "http://127.0.0.1:3000/orders"}
`;

describe('consumer settings', () => {
  it('maps exchanges to topics and a url target', async () => {
    const settings = await settingsFor(base);
    expect(settings.topicByExchange.get('orders.x')).toBe('orders');
    expect(settings.subscriptions[0]).toMatchObject({ name: 'billing', target: { kind: 'url', url: 'http://127.0.0.1:3000/orders', timeoutMs: 10_000 } });
    expect(settings.subscriptions[0]!.config.circuitBreaker).toEqual({ failureThreshold: 5, openMs: 5000, maxOpenMs: 60_000 });
    expect(settings.admin).toEqual({ kind: 'loopback' });
  });

  it('resolves a handler module relative to the config file and refuses a missing one', async () => {
    await writeFile(join(dir, 'handler.mjs'), 'export default async () => {}');
    const ok = await settingsFor(base.replace('{url: "http://127.0.0.1:3000/orders"}', '{module: ./handler.mjs}'));
    expect(ok.subscriptions[0]!.target).toEqual({ kind: 'module', path: join(dir, 'handler.mjs'), timeoutMs: 10_000 });
    await expect(settingsFor(base.replace('{url: "http://127.0.0.1:3000/orders"}', '{module: ./nope.mjs}'))).rejects.toThrow(
      /subscriptions\.billing\.deliver\.module: no such file/,
    );
    await expect(settingsFor(base.replace('{url: "http://127.0.0.1:3000/orders"}', '{module: ./nope.mjs}'))).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses two subscriptions on one queue', async () => {
    const twice = `${base}  audit:\n    queue: billing.orders\n    bind: [{topic: orders}]\n    deliver: {url: "http://127.0.0.1:3000/audit"}\n`;
    await expect(settingsFor(twice)).rejects.toThrow(/subscriptions\.audit\.queue: "billing\.orders" is already the queue of subscription "billing"/);
  });

  it('takes token secrets from the environment and warns about unset ones', async () => {
    const yaml = `${base}auth:\n  tokens:\n    - {name: ops, env: OPS_TOKEN, admin: true}\n    - {name: other, env: OTHER_TOKEN}\n`;
    const settings = await settingsFor(yaml, { OPS_TOKEN: 'abc' });
    expect(settings.admin).toEqual({ kind: 'tokens', secrets: new Map([['abc', { name: 'ops', admin: true }]]) });
    expect(settings.warnings.join('\n')).toMatch(/OTHER_TOKEN is unset/);
  });
});
