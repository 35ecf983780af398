import { EventEmitter } from 'node:events';
import type { AsyncMessage, Channel, Connection, Consumer as RabbitConsumer } from 'rabbitmq-client';
import { deliver, type DeliveryDeps } from './delivery.js';
import { consumerDefaults } from './options.js';
import type { Consumer, ConsumerOptions, OutcomeEvent } from './types.js';
import { withTimeout } from './with-timeout.js';

export type QueueConsumerDeps = Omit<DeliveryDeps, 'emitOutcome' | 'abandoned' | 'dedup'> & { conn: Connection; options: ConsumerOptions };

/** rabbitmq-client keeps the consumer's channel private; `close(timeout)` needs to close it. */
function channelOf(consumer: RabbitConsumer): Channel | undefined {
  return (consumer as unknown as { _ch?: Channel })._ch;
}

/**
 * Consumes one declared queue with manual acks, prefetch and bounded concurrency, on top of
 * rabbitmq-client's consumer (which re-subscribes by itself after reconnects). Memory stays flat:
 * at most `prefetch` messages are ever held, the broker keeps the backlog.
 */
export class QueueConsumer extends EventEmitter<{ outcome: [OutcomeEvent] }> implements Consumer {
  readonly #sub: RabbitConsumer;
  readonly #deps: QueueConsumerDeps;
  #paused = false;
  #abandoned = false;
  #closed = false;
  #inFlight = 0;

  constructor(deps: QueueConsumerDeps) {
    super();
    this.#deps = deps;
    const { options } = deps;
    const delivery: DeliveryDeps = {
      ...deps,
      dedup: options.dedup,
      emitOutcome: (event) => this.emit('outcome', event),
      abandoned: () => this.#abandoned,
    };
    this.#sub = deps.conn.createConsumer(
      {
        queue: options.queue,
        queueOptions: { passive: true }, // declared by the client's topology, never here
        qos: { prefetchCount: options.prefetch ?? consumerDefaults.prefetch },
        concurrency: options.concurrency ?? consumerDefaults.concurrency,
        requeue: false, // deliver() never throws; this only guards against a bug spinning
      },
      async (raw: AsyncMessage) => {
        this.#inFlight++;
        try {
          return await deliver(delivery, raw);
        } finally {
          this.#inFlight--;
        }
      },
    );
    this.#sub.on('error', (error: Error) => deps.logger.warn({ queue: options.queue, error: error.message }, 'consumer error'));
    this.#sub.on('ready', () => deps.logger.info({ queue: options.queue }, 'consuming'));
  }

  get paused(): boolean {
    return this.#paused;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async pause(): Promise<void> {
    if (this.#paused || this.#closed) return;
    this.#paused = true;
    await this.#sub.close();
    this.#deps.logger.info({ queue: this.#deps.options.queue }, 'consumer paused');
  }

  resume(): Promise<void> {
    if (this.#paused && !this.#closed) {
      this.#paused = false;
      this.#sub.start();
      this.#deps.logger.info({ queue: this.#deps.options.queue }, 'consumer resumed');
    }
    return Promise.resolve();
  }

  async close(timeoutMs: number = consumerDefaults.closeTimeoutMs): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing = this.#sub.close();
    try {
      await withTimeout(closing, timeoutMs, () => new Error('close timed out'));
    } catch {
      // Give up on the stragglers: closing the channel hands their messages back to the broker
      // for redelivery; their late results are ignored (never retried or parked from here).
      this.#abandoned = true;
      this.#deps.logger.warn({ queue: this.#deps.options.queue, unfinished: this.#inFlight }, 'close timed out; unfinished messages will be redelivered');
      await channelOf(this.#sub)?.close();
    }
  }
}
