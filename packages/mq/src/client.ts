import { EventEmitter } from 'node:events';
import { AMQPChannelError, type Connection } from 'rabbitmq-client';
import { ConfirmPublisher } from './confirm-publisher.js';
import { ConnectionStateTracker, isSocketOpen, openConnection } from './connection.js';
import { QueueConsumer } from './consumer.js';
import { createDeadLetterAdmin } from './dead-letters.js';
import { MqError } from './errors.js';
import { normalizeConnectionOptions, normalizePublisherOptions, type NormalizedConnectionOptions } from './options.js';
import { createPublisher } from './publisher.js';
import { declareTopology } from './topology.js';
import type {
  ConnectionOptions, ConnectionState, Consumer, ConsumerOptions, DeadLetterAdmin, MessageHandler,
  MqClientEvents, Publisher, PublisherOptions, QueueSpec, QueueStats, Topology,
} from './types.js';
import { withTimeout } from './with-timeout.js';

/** Retries, parks and replays wait longer than an HTTP caller would: nobody is waiting on them. */
const REPUBLISH_OPTIONS = { confirmTimeoutMs: 15_000, connectWaitMs: 10_000, maxInFlight: 10_000 };
const QUEUE_STATS_TIMEOUT_MS = 5000;

/**
 * One AMQP connection with auto-reconnect, the declared topology, publishers and consumers.
 *
 * @example
 * ```ts
 * const client = new MqClient({ urls: ['amqp://guest:guest@127.0.0.1:5672'], logger });
 * await client.declare(topology);
 * const publisher = client.createPublisher({ appId: 'gateway' });
 * await publisher.publish({ exchange: 'orders', routingKey: 'order.created', body: '{}', contentType: 'application/json' });
 * ```
 */
export class MqClient extends EventEmitter<MqClientEvents> {
  readonly #options: NormalizedConnectionOptions;
  readonly #conn: Connection;
  readonly #tracker: ConnectionStateTracker;
  readonly #topologies = new Set<Topology>();
  readonly #consumers = new Set<QueueConsumer>();
  readonly #publishers = new Set<Publisher>();
  readonly #republisher: ConfirmPublisher;
  #blocked = false;

  constructor(readonly options: ConnectionOptions) {
    super();
    this.#options = normalizeConnectionOptions(options);
    this.#tracker = new ConnectionStateTracker(this.#options.logger, (state, previous) => this.emit('state', state, previous));
    this.#conn = openConnection(this.#options);
    this.#republisher = new ConfirmPublisher({ conn: this.#conn, state: () => this.state, options: REPUBLISH_OPTIONS });
    this.#watchConnection();
  }

  /** connecting, ready, blocked or closed; every change is emitted as `state` and logged once. */
  get state(): ConnectionState {
    return this.#tracker.state;
  }

  /** Resolves once ready; rejects with `NOT_CONNECTED` after `timeoutMs` (`CLOSED` if closed). */
  waitReady(timeoutMs: number): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new MqError('CLOSED', 'client is closed'));
    let listener: ((state: ConnectionState) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      listener = (state) => {
        if (state === 'ready') resolve();
        if (state === 'closed') reject(new MqError('CLOSED', 'client is closed'));
      };
      this.on('state', listener);
    });
    const timeout = () => new MqError('NOT_CONNECTED', `broker not ready within ${timeoutMs} ms (state: ${this.state})`);
    return withTimeout(ready, timeoutMs, timeout).finally(() => this.off('state', listener!));
  }

  /** Declares now (rejecting with `TOPOLOGY_MISMATCH` on a clash) and after every reconnect. */
  async declare(topology: Topology): Promise<void> {
    this.#topologies.add(topology);
    try {
      await declareTopology(this.#conn, topology);
    } catch (error) {
      this.#topologies.delete(topology); // do not re-declare something the broker refuses
      throw error;
    }
  }

  /** A publisher with confirms on a channel of its own; see {@link Publisher.publish}. */
  createPublisher(options?: PublisherOptions): Publisher {
    const normalized = normalizePublisherOptions(options);
    const confirms = new ConfirmPublisher({ conn: this.#conn, state: () => this.state, options: normalized });
    const publisher = createPublisher(confirms, normalized, () => this.#publishers.delete(publisher));
    this.#publishers.add(publisher);
    return publisher;
  }

  /** Starts consuming a declared queue; resumes by itself after reconnects. */
  createConsumer(options: ConsumerOptions, handler: MessageHandler): Consumer {
    const consumer = new QueueConsumer({
      conn: this.#conn,
      options,
      spec: this.#queueSpec(options.queue),
      handler,
      republisher: this.#republisher,
      logger: this.#options.logger,
    });
    this.#consumers.add(consumer);
    return consumer;
  }

  /** List, replay and purge the parked messages of declared queues (`<queue>.dlq`). */
  deadLetters(): DeadLetterAdmin {
    return createDeadLetterAdmin(this.#conn, this.#republisher);
  }

  /** Message and consumer counts of a queue (passive declare); `TOPOLOGY_MISMATCH` if it does not exist. */
  async queueStats(queue: string): Promise<QueueStats> {
    try {
      const stats = this.#conn.queueDeclare({ queue, passive: true });
      const { messageCount, consumerCount } = await withTimeout(stats, QUEUE_STATS_TIMEOUT_MS, () => new MqError('NOT_CONNECTED', 'broker did not answer in time'));
      return { messageCount, consumerCount };
    } catch (error) {
      if (error instanceof MqError) throw error;
      if (error instanceof AMQPChannelError && error.code === 'NOT_FOUND') throw new MqError('TOPOLOGY_MISMATCH', `queue "${queue}" does not exist`, { cause: error });
      throw new MqError('NOT_CONNECTED', `queue stats failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Closes consumers (with their drain timeout), publishers, then the connection. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await Promise.all([...this.#consumers].map((consumer) => consumer.close()));
    await Promise.all([...this.#publishers].map((publisher) => publisher.close()));
    await this.#republisher.close();
    await this.#conn.close();
    this.#tracker.set('closed');
  }

  #queueSpec(queue: string): QueueSpec {
    for (const topology of this.#topologies) {
      const spec = topology.queues.find((q) => q.name === queue);
      if (spec) return spec;
    }
    throw new MqError('TOPOLOGY_MISMATCH', `queue "${queue}" is not in a declared topology; declare() it first`);
  }

  #watchConnection(): void {
    const conn = this.#conn;
    conn.on('connection', () => void this.#onConnected());
    conn.on('error', (error: Error) => {
      if (!isSocketOpen(conn)) this.#tracker.set('connecting', { error: error.message });
      this.#report(error);
    });
    conn.on('connection.blocked', (reason: string) => {
      this.#blocked = true;
      this.#tracker.set('blocked', { reason });
    });
    conn.on('connection.unblocked', () => {
      this.#blocked = false;
      if (isSocketOpen(conn)) this.#tracker.set('ready');
    });
  }

  /** Re-declares every topology on each (re)connect, then reports ready. */
  async #onConnected(): Promise<void> {
    this.#blocked = false;
    for (const topology of this.#topologies) {
      await declareTopology(this.#conn, topology).catch((error: unknown) => this.#report(error as Error));
    }
    if (isSocketOpen(this.#conn)) this.#tracker.set(this.#blocked ? 'blocked' : 'ready');
  }

  /** Errors are logged; they are emitted too, but only to listeners (an unheard 'error' would crash). */
  #report(error: Error): void {
    this.#options.logger.warn({ error: error.message, code: (error as { code?: string }).code }, 'amqp error');
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
