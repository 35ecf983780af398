// deliver.module: an in-process handler (TypeScript or JavaScript) instead of an HTTP app, and
// the boot-time checks that stop a misconfigured consumer with exit 1 and one clear line.
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAppToExit, startApp } from '../helpers/processes.ts';
import { consumerConfig, publish, uniqueNames, useConsumerTest } from './support.ts';

const out = join(tmpdir(), `consumer-module-${randomUUID()}.jsonl`);
const { conn, names } = useConsumerTest(() => rm(out, { force: true }));


// Type annotations on purpose: Node 24 strips them, so a handler can be a .ts file. The error
// classes are recognised by name, so a handler need not import @mq/consumer to use them.
const handler = `
import { appendFile } from 'node:fs/promises';
import type { DeliveredMessage } from '@mq/consumer';

class UnrecoverableError extends Error { override name = 'UnrecoverableError'; }

export default async function handle(message: DeliveredMessage): Promise<void> {
  const body: string = message.body.toString();
  await appendFile(process.env.HANDLER_OUT!, JSON.stringify({ id: message.messageId, body, attempt: message.attempt, subscription: message.subscription }) + '\\n');
  if (body === 'poison') throw new UnrecoverableError('cannot parse');
  if (body === 'flaky' && message.attempt === 1) throw new Error('try again');
}
`;

const lines = async () =>
  (await readFile(out, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; body: string; attempt: number; subscription: string });

describe('deliver.module', () => {
  it('runs a TypeScript handler in-process: done, retried, parked', async () => {
    const consumer = await startApp('consumer', {
      config: consumerConfig(names, { module: './handlers/billing.ts' }),
      files: { 'handlers/billing.ts': handler },
      env: { HANDLER_OUT: out },
    });
    for (const body of ['fine', 'flaky', 'poison']) {
      await publish(conn, { exchange: names.exchange, routingKey: 'order.created', messageId: body }, body);
    }
    await expect.poll(async () => (await lines()).map((l) => `${l.body}#${l.attempt}`).sort(), { timeout: 20_000 }).toEqual([
      'fine#1', 'flaky#1', 'flaky#2', 'poison#1',
    ]);
    expect((await lines())[0]!.subscription).toBe(names.subscription);
    const deadLetters = `${consumer.url}/v1/subscriptions/${names.subscription}/dead-letters`;
    const parked = async () => ((await (await fetch(deadLetters)).json()) as { messages: Array<{ id: string; lastError: string }> }).messages;
    await expect.poll(parked, { timeout: 10_000 }).toEqual([
      expect.objectContaining({ id: 'poison', lastError: expect.stringContaining('cannot parse') }),
    ]);
  });
});

describe('boot checks', () => {
  it('exits 1 with one line for a subscription bound to an unknown topic', async () => {
    const config = consumerConfig(uniqueNames(), { url: 'http://127.0.0.1:1/x' }) as { subscriptions: Record<string, { bind: object[] }> };
    config.subscriptions.billing!.bind = [{ topic: 'nope' }];
    const { code, output } = await runAppToExit('consumer', { config });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(/subscriptions\.billing\.bind\.0\.topic: unknown topic "nope"/);
  });

  it('exits 1 for a handler module that is missing or exports no handler', async () => {
    const missing = await runAppToExit('consumer', { config: consumerConfig(uniqueNames(), { module: './nope.mjs' }) });
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/deliver\.module: no such file/);
    const empty = await runAppToExit('consumer', {
      config: consumerConfig(uniqueNames(), { module: './h.mjs' }),
      files: { 'h.mjs': 'export const x = 1;' },
    });
    expect(empty.code).toBe(1);
    expect(empty.output).toMatch(/must export a handler function/);
  });
});
