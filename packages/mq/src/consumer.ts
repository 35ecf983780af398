import { EventEmitter } from 'node:events';
import type { AsyncMessage, Connection, Consumer as RabbitConsumer } from 'rabbitmq-client';
import { coalesceWrites } from './coalesce-writes.js';
import { channelOf } from './connection.js';
import { deliver, type DeliveryDeps } from './delivery.js';
import { consumerDefaults } from './options.js';
import type { Consumer, ConsumerEvents, ConsumerOptions } from './types.js';
import { withTimeout } from './with-timeout.js';

export type QueueConsumerDeps = Omit<DeliveryDeps, 'emitOutcome' | 'abandoned' | 'dedup'> & { conn: Connection; options: ConsumerOptions };

/** How rabbitmq-client words an ack or nack it could not send (its channel was gone). */
const ACK_FAILURE = 'failed to ack/nack message';

/**
 * Consumes one declared queue with manual acks, prefetch and bounded concurrency, on top of
 * rabbitmq-client's consumer (which re-subscribes by itself after reconnects). Memory stays flat:
 * at most `prefetch` messages are ever held, the broker keeps the backlog.
 */
export class QueueConsumer extends EventEmitter<ConsumerEvents> implements Consumer {
  readonly #sub: RabbitConsumer;
  readonly #deps: QueueConsumerDeps;
  readonly #concurrency: number;
  #paused = false;
  #abandoned = false;
  #closed = false;
  #inFlight = 0;

  constructor(deps: QueueConsumerDeps) {
    super();
    this.#deps = deps;
    const { options } = deps;
    this.#concurrency = options.concurrency ?? consumerDefaults.concurrency;
    const dedup = options.dedup && { claimMs: consumerDefaults.dedupClaimMs, ...options.dedup };
    const delivery: DeliveryDeps = {
      ...deps,
      dedup,
      emitOutcome: (event) => this.emit('outcome', event),
      abandoned: () => this.#abandoned,
    };
    this.#sub = deps.conn.createConsumer(
      {
        queue: options.queue,
        queueOptions: { passive: true }, // declared by the client's topology, never here
        qos: { prefetchCount: options.prefetch ?? consumerDefaults.prefetch },
        concurrency: this.#concurrency,
        requeue: false, // deliver() never throws; this only guards against a bug spinning
      },
      async (raw: AsyncMessage) => {
        this.#inFlight++;
        try {
          return await deliver(delivery, raw);
        } finally {
          this.#inFlight--;
          coalesceWrites(deps.conn); // rabbitmq-client acks next: the acks of this loop turn share a write
        }
      },
    );
    this.#sub.on('error', (error: Error) => this.#onError(error));
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
    this.#stopStarting();
    await this.#sub.close();
    this.#deps.logger.info({ queue: this.#deps.options.queue }, 'consumer paused');
  }

  resume(): Promise<void> {
    if (this.#paused && !this.#closed) {
      this.#paused = false;
      this.#sub.concurrency = this.#concurrency;
      this.#sub.start();
      this.#deps.logger.info({ queue: this.#deps.options.queue }, 'consumer resumed');
    }
    return Promise.resolve();
  }

  async close(timeoutMs: number = consumerDefaults.closeTimeoutMs): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopStarting();
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

  /**
   * rabbitmq-client's close() cancels the subscription, then waits for the handlers running at that
   * moment and closes the channel. Meanwhile each handler that ends starts a prefetched message,
   * and a delivery that arrives around the cancel can start after that wait began: its ack then
   * meets a closed channel, the broker requeues it, and a retry copy it already published makes
   * two. With concurrency 0 nothing new starts: prefetched messages stay untouched (attempt
   * unchanged) and go back to the queue when the channel closes.
   */
  #stopStarting(): void {
    this.#sub.concurrency = 0;
  }

  #onError(error: Error): void {
    const { queue } = this.#deps.options;
    if (!error.message.startsWith(ACK_FAILURE)) {
      this.#deps.logger.warn({ queue, error: error.message }, 'consumer error');
      return;
    }
    // After close() gave up on a delivery its channel is gone on purpose; the message is redelivered.
    if (this.#abandoned) return;
    // Otherwise a finished delivery's ack was lost (connection lost, or a bug): the broker redelivers
    // it and only dedup stops the copy. Counted, so an alert can see it.
    this.#deps.logger.error({ queue, error: error.message }, 'ack lost: the message will be redelivered');
    this.emit('ack-failure', { queue, error });
  }
}
