import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '@mq/config';
import { Connection } from 'rabbitmq-client';
import { startApp, stopAllApps } from '../helpers/processes.ts';
import { AMQP_URL } from './stack.ts';

const EXAMPLE = resolve(fileURLToPath(new URL('../../examples/module-handler', import.meta.url)));

// examples/module-handler must keep working: its config is valid and its handler, loaded by the
// built consumer, handles JSON and parks what is not JSON.
describe('examples/module-handler', () => {
  const id = randomUUID();
  const names = { topic: `t.${id}`, queue: `t.${id}.q` };
  const broker = new Connection({ url: AMQP_URL, retryLow: 100, retryHigh: 500 });
  broker.on('error', () => undefined);
  afterAll(async () => {
    await stopAllApps();
    for (const queue of [names.queue, `${names.queue}.dlq`]) await broker.queueDelete({ queue }).catch(() => undefined);
    await broker.exchangeDelete({ exchange: names.topic }).catch(() => undefined);
    await broker.close();
  });

  it('has a valid config that names the handler', () => {
    const config = parseConfig(readFileSync(`${EXAMPLE}/mq.yaml`, 'utf8'), 'examples/module-handler/mq.yaml');
    expect(config.subscriptions.audit?.deliver).toMatchObject({ module: './handler.mjs' });
  });

  it('handles a JSON message in the consumer process and parks one that is not JSON', async () => {
    const config = {
      topics: { [names.topic]: { exchange: names.topic, routingKey: 'order.created' } },
      subscriptions: {
        audit: {
          queue: names.queue,
          bind: [{ topic: names.topic }],
          deliver: { module: `${EXAMPLE}/handler.mjs` },
          retry: { maxAttempts: 1 },
        },
      },
    };
    const [consumer, gateway] = await Promise.all([startApp('consumer', { config }), startApp('gateway', { config })]);
    const publish = async (body: string, contentType: string) => {
      const response = await fetch(`${gateway.url}/v1/topics/${names.topic}/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    };

    const handledId = await publish('{"orderId":7}', 'application/json');
    await expect.poll(() => consumer.logs().find((line) => line.handled === handledId), { timeout: 20_000 }).toMatchObject({
      subscription: 'audit',
      attempt: 1,
      order: { orderId: 7 },
    });

    await publish('not json', 'text/plain');
    const dlqDepth = async () => (await broker.queueDeclare({ queue: `${names.queue}.dlq`, passive: true })).messageCount;
    await expect.poll(dlqDepth, { timeout: 20_000 }).toBe(1);
  });
});
