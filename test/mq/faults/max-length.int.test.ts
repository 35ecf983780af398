// A full queue (x-max-length with reject-publish): the publish is refused with PUBLISH_NACKED,
// never silently dropped; everything confirmed is delivered.
import { afterAll, describe, expect, it } from 'vitest';
import type { MqError } from '@mq/mq';
import { createClient, deleteTopology, rawConnection, simpleTopology } from '../helpers/broker.ts';
import { Ledger } from './harness.ts';

const client = createClient();
const topology = simpleTopology({ maxLength: 5 });
afterAll(async () => {
  await client.close();
  const raw = rawConnection();
  await deleteTopology(raw, topology);
  await raw.close();
});

describe('queue at x-max-length with reject-publish', () => {
  it('nacks what does not fit and delivers everything it confirmed', async () => {
    await client.declare(topology);
    const ledger = new Ledger();
    const publisher = client.createPublisher();
    const nacked: string[] = [];
    for (let n = 0; n < 12; n++) {
      const messageId = `m-${n}`;
      await publisher.publish({ exchange: topology.exchange, routingKey: 'x', body: String(n), messageId }).then(
        () => ledger.confirmed.add(messageId),
        (error: MqError) => {
          expect(error.code).toBe('PUBLISH_NACKED');
          nacked.push(messageId);
        },
      );
    }
    expect(nacked.length).toBeGreaterThan(0);
    expect(ledger.confirmed.size).toBeGreaterThanOrEqual(5);
    client.createConsumer({ queue: topology.queue }, (m) => Promise.resolve(ledger.onHandled(m)));
    await ledger.expectAllHandled('max-length');
    expect(nacked.filter((id) => ledger.handled.has(id))).toEqual([]);
    console.info(`[fault:max-length] confirmed=${ledger.confirmed.size} nacked=${nacked.length}`);
  });
});
