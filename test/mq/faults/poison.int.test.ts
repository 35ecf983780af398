// A poison message among good ones: the good ones flow past it, the poison one is retried
// maxAttempts times with growing broker-side delays, then parked with its reason.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createClient, deleteTopology, rawConnection, simpleTopology } from '../helpers/broker.ts';
import { Ledger, publishStream } from './harness.ts';

const client = createClient();
const topology = simpleTopology({ retry: { maxAttempts: 4, initialDelayMs: 300, maxDelayMs: 2000, multiplier: 2 } });
afterAll(async () => {
  await client.close();
  const raw = rawConnection();
  await deleteTopology(raw, topology);
  await raw.close();
});

describe('poison message among good ones', () => {
  it('retries it maxAttempts times with growing delays, parks it, and never holds up the rest', async () => {
    await client.declare(topology);
    const ledger = new Ledger();
    const poisonAttempts: number[] = [];
    const goodHandledAt: number[] = [];
    const outcomes: string[] = [];
    const consumer = client.createConsumer({ queue: topology.queue, concurrency: 1, prefetch: 1 }, (m) => {
      if (m.messageId === 'poison') {
        poisonAttempts.push(performance.now());
        return Promise.reject(new Error('cannot parse order'));
      }
      ledger.onHandled(m);
      goodHandledAt.push(performance.now());
      return Promise.resolve();
    });
    consumer.on('outcome', (e) => e.message.messageId === 'poison' && outcomes.push(e.outcome));
    const publisher = client.createPublisher();
    await publisher.publish({ exchange: topology.exchange, routingKey: 'p', body: '{oops', messageId: 'poison' });
    await publishStream({ publisher, exchange: topology.exchange, ledger, total: 50, paceMs: 0 });

    await ledger.expectAllHandled('poison', 20_000);
    await vi.waitFor(() => expect(outcomes).toEqual(['retried', 'retried', 'retried', 'parked']), { timeout: 15_000 });
    // One consumer slot, yet good messages flowed while the poison one waited in delay queues.
    const whileWaiting = goodHandledAt.filter((t) => t > poisonAttempts[0]! && t < poisonAttempts.at(-1)!).length;
    console.info(`[fault:poison] good messages handled while the poison one waited: ${whileWaiting}/50`);
    expect(whileWaiting).toBeGreaterThan(0);

    const gaps = poisonAttempts.slice(1).map((t, i) => t - poisonAttempts[i]!);
    console.info(`[fault:poison] gaps between attempts (ms): ${gaps.map(Math.round).join(', ')}`);
    expect(gaps[0]).toBeGreaterThanOrEqual(300);
    expect(gaps[1]).toBeGreaterThanOrEqual(600);
    expect(gaps[2]).toBeGreaterThanOrEqual(1200);
    const [parked] = await client.deadLetters().list(topology.queue);
    expect(parked).toMatchObject({ id: 'poison', attempts: 4, lastError: 'Error: cannot parse order', originalExchange: topology.exchange, originalRoutingKey: 'p' });
    expect(parked!.body.toString()).toBe('{oops');
    expect(parked!.headers['x-mq-parked-reason']).toBe('exhausted');
  });
});
