// The circuit opening while deliveries are finishing (issue: acks lost under pause, duplicates at
// the app). The worker runs in-process on the real broker with a flaky target that fails each
// message's first two attempts; each round holds a full batch of deliveries on a latch, then
// releases it, so the failures open the circuit while the rest of the batch is still settling.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { MemoryDedupStore, type IncomingMessage } from '@mq/mq';
import { createLogger } from '@mq/telemetry';
import { createWorker } from '../../apps/consumer/src/worker.ts';
import { createClient, deleteTopology, drain, rawConnection, simpleTopology } from '../mq/helpers/broker.ts';

const logLines: string[] = [];
const logger = createLogger('test', 'warn', new Writable({ write: (chunk, _e, cb) => (logLines.push(String(chunk)), cb()) }));

describe('circuit opening while deliveries finish', () => {
  it('delivers every message to the app once with success, loses no ack and parks nothing', async () => {
    const raw = rawConnection();
    const client = createClient();
    const topology = simpleTopology({ retry: { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 400, multiplier: 2 } });
    await client.declare(topology);
    const attempts = new Map<string, number>();
    const successes = new Map<string, number>();
    let release = () => {};
    let gate = Promise.resolve();
    let held = 0;
    const startedWhilePaused: string[] = [];
    const app = async (message: IncomingMessage) => {
      // A prefetched message must go back to the queue untouched, not be tried against a failing app.
      if (worker.status()[0]?.paused) startedWhilePaused.push(message.messageId!);
      held++;
      await gate;
      held--;
      const attempt = (attempts.get(message.messageId!) ?? 0) + 1;
      attempts.set(message.messageId!, attempt);
      if (attempt <= 2) throw new Error('HTTP 503');
      successes.set(message.messageId!, (successes.get(message.messageId!) ?? 0) + 1);
    };
    const ackFailures: string[] = [];
    const worker = createWorker({
      client,
      logger,
      dedup: new MemoryDedupStore(),
      onAckFailure: (name) => ackFailures.push(name),
      subscriptions: [{
        name: 'billing', queue: topology.queue, prefetch: 32, concurrency: 16, dedupWindowMs: 60_000, timeoutMs: 5000,
        deliver: app, probe: () => Promise.resolve(true),
        circuit: { failureThreshold: 5, openMs: 50, maxOpenMs: 200 },
      }],
    });
    const publisher = client.createPublisher();
    const ids = Array.from({ length: 30 }, () => randomUUID());
    for (const messageId of ids) await publisher.publish({ exchange: topology.exchange, routingKey: 'k', body: messageId, messageId });

    worker.start();
    const rounds = 8;
    for (let round = 0; round < rounds && successes.size < ids.length; round++) {
      gate = new Promise<void>((resolve) => (release = resolve));
      // A full batch running (or as many as are left), held; then released at once.
      await vi.waitFor(() => expect(held).toBeGreaterThanOrEqual(Math.min(16, ids.length - successes.size)), { timeout: 15_000 });
      release();
      await vi.waitFor(() => expect(held).toBe(0), { timeout: 15_000 });
    }
    gate = Promise.resolve();
    release();
    await vi.waitFor(() => expect(successes.size).toBe(ids.length), { timeout: 60_000 });
    await worker.close(5000);

    expect(logLines.filter((line) => line.includes('"circuit open"')).length).toBeGreaterThanOrEqual(2);
    expect(startedWhilePaused).toEqual([]);
    expect([...successes.values()].filter((count) => count !== 1)).toEqual([]);
    expect(ackFailures).toEqual([]);
    expect(await drain(raw, `${topology.queue}.dlq`)).toEqual([]);
    await client.close();
    await deleteTopology(raw, topology);
    await raw.close();
  });
});
