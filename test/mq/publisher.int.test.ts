import { describe, expect, it } from 'vitest';
import { MqError } from '@mq/mq';
import { createClient, drain, useBroker } from './helpers/broker.ts';
import { countSocketWrites } from './helpers/socket-writes.ts';

const { raw, client, declared } = useBroker();

describe('publisher', () => {
  it('resolves once confirmed, with persistent delivery, a sortable id, timestamp, content type and app id', async () => {
    const { exchange, queue } = await declared();
    const publisher = client.createPublisher({ appId: 'int-test' });
    const before = Math.floor(Date.now() / 1000);
    const first = await publisher.publish({ exchange, routingKey: 'a.b', body: '{"n":1.0}', contentType: 'application/json', headers: { tenant: 'x' } });
    const second = await publisher.publish({ exchange, routingKey: 'a.b', body: Buffer.from([1, 2]), messageId: 'caller-id' });
    expect(first.messageId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/); // ULID
    expect(second.messageId).toBe('caller-id');
    const [a, b] = await drain(raw, queue);
    expect(a).toMatchObject({ messageId: first.messageId, contentType: 'application/json', appId: 'int-test', durable: true, headers: { tenant: 'x' } });
    expect(a!.timestamp).toBeGreaterThanOrEqual(before);
    expect(b).toMatchObject({ messageId: 'caller-id', contentType: 'application/octet-stream' });
    await publisher.close();
  });

  it('rejects an unroutable message with UNROUTABLE (mandatory + basic.return)', async () => {
    const { exchange } = await declared({ bindings: [] });
    const publisher = client.createPublisher();
    const error = await publisher.publish({ exchange, routingKey: 'nowhere', body: 'x' }).catch((e: unknown) => e);
    expect((error as MqError).code).toBe('UNROUTABLE');
    // the channel stays usable
    await expect(publisher.publish({ exchange, routingKey: 'nowhere', body: 'y' })).rejects.toMatchObject({ code: 'UNROUTABLE' });
    await publisher.close();
  });

  it('rejects a publish to a missing exchange with UNROUTABLE and recovers its channel', async () => {
    const { exchange } = await declared();
    const publisher = client.createPublisher();
    await expect(publisher.publish({ exchange: 't.no-such-exchange', routingKey: 'x', body: 'x' })).rejects.toMatchObject({ code: 'UNROUTABLE' });
    await expect(publisher.publish({ exchange, routingKey: 'x', body: 'x' })).resolves.toHaveProperty('messageId');
    await publisher.close();
  });

  it('rejects with PUBLISH_NACKED when the queue is full (x-max-length + reject-publish)', async () => {
    const { exchange, queue } = await declared({ maxLength: 1 });
    const publisher = client.createPublisher();
    // A quorum queue applies its limit a little lazily (it may take one more); then it nacks.
    const outcomes: string[] = [];
    for (let n = 0; n < 5 && !outcomes.includes('PUBLISH_NACKED'); n++) {
      outcomes.push(await publisher.publish({ exchange, routingKey: 'x', body: String(n) }).then(() => 'ok', (e: MqError) => e.code));
    }
    expect(outcomes.at(-1)).toBe('PUBLISH_NACKED');
    // every confirmed message is in the queue, the refused one is not
    expect((await client.queueStats(queue)).messageCount).toBe(outcomes.filter((o) => o === 'ok').length);
    await publisher.close();
  });

  it('rejects with OVERLOADED beyond maxInFlight instead of queueing', async () => {
    const { exchange } = await declared();
    const publisher = client.createPublisher({ maxInFlight: 1 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => publisher.publish({ exchange, routingKey: 'x', body: String(n) })));
    expect(results[0]!.status).toBe('fulfilled');
    expect(results.slice(1).map((r) => r.status === 'rejected' && (r.reason as MqError).code)).toEqual(['OVERLOADED', 'OVERLOADED']);
    await publisher.close();
  });

  it('rejects with NOT_CONNECTED after connectWaitMs when no broker is reachable', async () => {
    const offline = createClient({ urls: ['amqp://guest:guest@127.0.0.1:1'] });
    const publisher = offline.createPublisher({ connectWaitMs: 200 });
    const started = Date.now();
    await expect(publisher.publish({ exchange: 'x', routingKey: 'x', body: 'x' })).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    expect(Date.now() - started).toBeLessThan(2000);
    await offline.close();
  });

  it('rejects with CLOSED after close', async () => {
    const { exchange } = await declared();
    const publisher = client.createPublisher();
    await publisher.close();
    await expect(publisher.publish({ exchange, routingKey: 'x', body: 'x' })).rejects.toBeInstanceOf(MqError);
  });

  it('sends 100 publishes started together in a few socket writes, not one each', async () => {
    const { exchange, queue } = await declared();
    const publisher = client.createPublisher();
    await publisher.publish({ exchange, routingKey: 'x', body: 'warm' }); // channel open before counting
    const body = Buffer.alloc(1024, 'x');
    const count = await countSocketWrites(() => Promise.all(Array.from({ length: 100 }, () => publisher.publish({ exchange, routingKey: 'x', body }))));
    // One write holds the batch (~110 KiB); a 16 KiB socket buffer made it 45.
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(3);
    expect(await drain(raw, queue, 200)).toHaveLength(101);
    await publisher.close();
  });

  it('lets publishes from separate callbacks of one event-loop turn share a socket write', async () => {
    const { exchange, queue } = await declared();
    const publisher = client.createPublisher();
    await publisher.publish({ exchange, routingKey: 'x', body: 'warm' });
    // As the HTTP requests read in one poll phase do: each publish in its own macrotask.
    const fromSeparateCallbacks = () =>
      Promise.all(Array.from({ length: 50 }, () => new Promise((resolve, reject) => {
        setImmediate(() => publisher.publish({ exchange, routingKey: 'x', body: 'y' }).then(resolve, reject));
      })));
    const count = await countSocketWrites(fromSeparateCallbacks);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(3); // uncorked after each callback: 50
    expect(await drain(raw, queue, 200)).toHaveLength(51);
    await publisher.close();
  });
});
