import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { MemoryDedupStore, UnrecoverableError, type Consumer, type ConsumerOptions, type MessageHandler, type OutcomeEvent } from '@mq/mq';
import { createLogger } from '@mq/telemetry';
import { describe, expect, it, vi } from 'vitest';
import { testMessage } from './delivery/test-message.js';
import { createWorker, type WorkerSubscription } from './worker.js';

const logger = createLogger('test', 'silent', new Writable({ write: (_c, _e, cb) => cb() }));

/** Stands in for an `@mq/mq` consumer: the test calls the handler as deliveries would. */
class FakeConsumer extends EventEmitter implements Consumer {
  paused = false;
  inFlight = 0;
  closedWith: number | undefined;
  constructor(
    readonly options: ConsumerOptions,
    readonly handler: MessageHandler,
  ) {
    super();
  }
  pause() {
    this.paused = true;
    return Promise.resolve();
  }
  resume() {
    this.paused = false;
    return Promise.resolve();
  }
  close(timeoutMs?: number) {
    this.closedWith = timeoutMs;
    return Promise.resolve();
  }
}

/** A client whose consumers are fakes, kept in `consumers` in the order they were made. */
function fakeClient() {
  const consumers: FakeConsumer[] = [];
  const client = {
    createConsumer: (options: ConsumerOptions, handler: MessageHandler) => {
      const consumer = new FakeConsumer(options, handler);
      consumers.push(consumer);
      return consumer;
    },
  };
  return { client, consumers };
}

function setup(overrides: Partial<WorkerSubscription> = {}) {
  const { client, consumers } = fakeClient();
  const sub: WorkerSubscription = {
    name: 'billing',
    queue: 'billing.orders',
    prefetch: 8,
    concurrency: 4,
    dedupWindowMs: 0,
    timeoutMs: 10_000,
    deliver: vi.fn(() => Promise.resolve()),
    probe: vi.fn(() => Promise.resolve(true)),
    circuit: { failureThreshold: 2, openMs: 10, maxOpenMs: 10 },
    ...overrides,
  };
  const outcomes: Array<[string, OutcomeEvent]> = [];
  const worker = createWorker({ client, subscriptions: [sub], logger, onOutcome: (name, event) => outcomes.push([name, event]) });
  return { worker, consumers, sub, outcomes };
}

describe('worker', () => {
  it('starts one consumer per subscription with its prefetch and concurrency, and delivers', async () => {
    const { worker, consumers, sub } = setup();
    expect(worker.started).toBe(false);
    worker.start();
    expect(worker.started).toBe(true);
    expect(consumers[0]!.options).toEqual({ queue: 'billing.orders', prefetch: 8, concurrency: 4 });
    await consumers[0]!.handler(testMessage());
    expect(sub.deliver).toHaveBeenCalledTimes(1);
  });

  it('passes a dedup store only when the subscription has a window', () => {
    const store = new MemoryDedupStore();
    const { client, consumers } = fakeClient();
    const base = setup().sub;
    createWorker({ client, dedup: store, logger, subscriptions: [base, { ...base, name: 'b', dedupWindowMs: 5000 }] }).start();
    expect(consumers[0]!.options.dedup).toBeUndefined();
    // A copy of an id in flight waits at most the delivery timeout plus the time to move a failure on.
    expect(consumers[1]!.options.dedup).toEqual({ store, windowMs: 5000, claimMs: 30_000 });
  });

  it("reports a consumer's lost acks under its subscription", () => {
    const { client, consumers } = fakeClient();
    const lost: string[] = [];
    createWorker({ client, logger, subscriptions: [setup().sub], onAckFailure: (name) => lost.push(name) }).start();
    consumers[0]!.emit('ack-failure', { queue: 'billing.orders', error: new Error('failed to ack/nack message; channel is closed') });
    expect(lost).toEqual(['billing']);
  });

  it('pauses on an open circuit, probes, and resumes; parked deliveries do not count', async () => {
    const deliver = vi.fn<WorkerSubscription['deliver']>(() => Promise.reject(new UnrecoverableError('bad request')));
    const { worker, consumers } = setup({ deliver });
    worker.start();
    const consumer = consumers[0]!;
    for (let i = 0; i < 5; i++) await expect(consumer.handler(testMessage())).rejects.toThrow(UnrecoverableError);
    expect(worker.status()[0]!.circuit).toBe('closed');
    deliver.mockRejectedValue(new Error('HTTP 503'));
    await expect(consumer.handler(testMessage())).rejects.toThrow('HTTP 503');
    await expect(consumer.handler(testMessage())).rejects.toThrow('HTTP 503');
    expect(worker.status()[0]).toMatchObject({ circuit: 'open', paused: true });
    await vi.waitFor(() => expect(worker.status()[0]).toMatchObject({ circuit: 'closed', paused: false }));
    await worker.close(1000);
  });

  it('resumes only after a slow pause finished, even when the probe closed the circuit meanwhile', async () => {
    const { worker, consumers } = setup({ deliver: () => Promise.reject(new Error('down')) });
    worker.start();
    const consumer = consumers[0]!;
    const calls: string[] = [];
    let finishPause!: () => void;
    consumer.pause = () => {
      calls.push('pause started');
      return new Promise<void>((resolve) => (finishPause = () => (calls.push('pause done'), resolve())));
    };
    consumer.resume = () => (calls.push('resume'), Promise.resolve());
    await consumer.handler(testMessage()).catch(() => undefined);
    await consumer.handler(testMessage()).catch(() => undefined);
    await vi.waitFor(() => expect(worker.status()[0]!.circuit).toBe('closed')); // probe ok after 10 ms
    expect(calls).toEqual(['pause started']);
    finishPause();
    await vi.waitFor(() => expect(calls).toEqual(['pause started', 'pause done', 'resume']));
    await worker.close(10);
  });

  it('does not resume a consumer after close, and closes consumers with the drain budget', async () => {
    vi.useFakeTimers();
    const { worker, consumers } = setup({ deliver: () => Promise.reject(new Error('down')) });
    worker.start();
    const consumer = consumers[0]!;
    await consumer.handler(testMessage()).catch(() => undefined);
    await consumer.handler(testMessage()).catch(() => undefined);
    expect(consumer.paused).toBe(true);
    await worker.close(1234);
    expect(consumer.closedWith).toBe(1234);
    await vi.advanceTimersByTimeAsync(100); // well past openMs: a stopped breaker must not probe
    expect(consumer.paused).toBe(true);
    vi.useRealTimers();
  });

  it('forwards outcome events with the subscription name', () => {
    const { worker, consumers, outcomes } = setup();
    worker.start();
    const event: OutcomeEvent = { queue: 'billing.orders', outcome: 'done', message: testMessage(), durationMs: 3 };
    consumers[0]!.emit('outcome', event);
    expect(outcomes).toEqual([['billing', event]]);
  });
});
