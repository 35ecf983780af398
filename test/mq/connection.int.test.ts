import { afterEach, describe, expect, it } from 'vitest';
import { MqError, type ConnectionState, type MqClient } from '@mq/mq';
import { AMQP_URL, createClient } from './helpers/broker.ts';

const clients: MqClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('MqClient connection', () => {
  it('goes connecting → ready → closed, emitting and logging each change once', async () => {
    const logged: string[] = [];
    const logger = { debug() {}, warn: (o: object, m: string) => logged.push(m), error() {}, info: (o: object, m: string) => logged.push(m) };
    const client = createClient({ logger });
    const states: Array<[ConnectionState, ConnectionState]> = [];
    client.on('state', (state, previous) => states.push([state, previous]));
    expect(client.state).toBe('connecting');
    await client.waitReady(10_000);
    expect(client.state).toBe('ready');
    await client.close();
    expect(states).toEqual([['ready', 'connecting'], ['closed', 'ready']]);
    expect(logged.filter((m) => m.startsWith('amqp connection'))).toEqual(['amqp connection ready', 'amqp connection closed']);
  });

  it('waitReady rejects with NOT_CONNECTED when no broker answers in time', async () => {
    const client = createClient({ urls: ['amqp://guest:guest@127.0.0.1:1'] });
    clients.push(client);
    const error = await client.waitReady(300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MqError);
    expect((error as MqError).code).toBe('NOT_CONNECTED');
    expect(client.state).toBe('connecting');
  });

  it('tries the cluster node URLs in turn', async () => {
    const client = createClient({ urls: ['amqp://guest:guest@127.0.0.1:1', AMQP_URL] });
    clients.push(client);
    await client.waitReady(10_000);
    expect(client.state).toBe('ready');
  });

  it('rejects a URL that is not amqp(s)', () => {
    expect(() => createClient({ urls: ['http://127.0.0.1:5672'] })).toThrow(/unsupported broker URL scheme/);
  });
});
