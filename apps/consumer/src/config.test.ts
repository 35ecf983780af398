import { randomBytes } from 'node:crypto';
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

  it('reads deliver.signing secrets from the environment, in the order named', async () => {
    const [a, b] = [randomBytes(32), randomBytes(24)];
    const yaml = base.replace('{url: "http://127.0.0.1:3000/orders"}', '{url: "http://127.0.0.1:3000/orders", signing: {env: [NEW_S, OLD_S]}}');
    const settings = await settingsFor(yaml, { NEW_S: `whsec_${a.toString('base64')}`, OLD_S: `whsec_${b.toString('base64')}` });
    const target = settings.subscriptions[0]!.target;
    expect(target.kind === 'url' && target.signingKeys).toEqual([a, b]);
  });

  it('stops the boot on an unset, malformed or short signing secret, naming the variable but not the secret', async () => {
    const yaml = base.replace('{url: "http://127.0.0.1:3000/orders"}', '{url: "http://127.0.0.1:3000/orders", signing: {env: BILLING_S}}');
    const where = /subscriptions\.billing\.deliver\.signing\.env: environment variable BILLING_S /;
    await expect(settingsFor(yaml)).rejects.toThrow(new RegExp(`${where.source}is unset`));
    await expect(settingsFor(yaml, { BILLING_S: 'hunter2-hunter2' })).rejects.toThrow(new RegExp(`${where.source}does not start with "whsec_"`));
    const short = `whsec_${randomBytes(16).toString('base64')}`;
    const error = await settingsFor(yaml, { BILLING_S: short }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`${where.source}holds a 16-byte key`));
    expect((error as Error).message).not.toContain(short.slice(6));
  });
});
