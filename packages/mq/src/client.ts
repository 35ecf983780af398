import { EventEmitter } from 'node:events';
import { AMQPChannelError } from 'rabbitmq-client';
import { ConfirmPublisher } from './confirm-publisher.js';
import { ConnectionStateTracker } from './connection.js';
import { ConnectionLink } from './connection-link.js';
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
 * Auto-reconnecting AMQP connections (one for publishing; one for consuming, opened with the first
 * consumer), the declared topology, publishers and consumers.
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
  readonly #publishing: ConnectionLink;
  #consuming: ConnectionLink | undefined;
  readonly #tracker: ConnectionStateTracker;
  readonly #topologies = new Set<Topology>();
  readonly #consumers = new Set<QueueConsumer>();
  readonly #publishers = new Set<Publisher>();
  readonly #republisher: ConfirmPublisher;

  constructor(readonly options: ConnectionOptions) {
    super();
    this.#options = normalizeConnectionOptions(options);
    this.#tracker = new ConnectionStateTracker(this.#options.logger, (state, previous) => this.emit('state', state, previous));
    this.#publishing = this.#openLink('publish');
    this.#republisher = this.#confirmPublisher(REPUBLISH_OPTIONS);
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

  /**
   * Declares now and after every reconnect. Rejects with `TOPOLOGY_MISMATCH` on a clash (then it
   * is forgotten), or `NOT_CONNECTED` when no connection came within 20 s (it is still declared
   * once connected).
   */
  async declare(topology: Topology): Promise<void> {
    this.#topologies.add(topology);
    try {
      await declareTopology(this.#publishing.conn, topology);
    } catch (error) {
      // Not connected: it is declared on connect. Refused: do not re-declare it on every reconnect.
      if (error instanceof MqError && error.code === 'TOPOLOGY_MISMATCH') this.#topologies.delete(topology);
      throw error;
    }
  }

  /** A publisher with confirms on a channel of its own; see {@link Publisher.publish}. */
  createPublisher(options?: PublisherOptions): Publisher {
    const normalized = normalizePublisherOptions(options);
    const confirms = this.#confirmPublisher(normalized);
    const publisher = createPublisher(confirms, normalized, () => this.#publishers.delete(publisher));
    this.#publishers.add(publisher);
    return publisher;
  }

  /** Starts consuming a declared queue; resumes by itself after reconnects. */
  createConsumer(options: ConsumerOptions, handler: MessageHandler): Consumer {
    const spec = this.#queueSpec(options.queue);
    const consumer = new QueueConsumer({
      conn: this.#consumingLink().conn,
      options,
      spec,
      handler,
      republisher: this.#republisher,
      logger: this.#options.logger,
    });
    this.#consumers.add(consumer);
    return consumer;
  }

  /** List, replay and purge the parked messages of declared queues (`<queue>.dlq`). */
  deadLetters(): DeadLetterAdmin {
    return createDeadLetterAdmin(this.#consumingLink().conn, this.#republisher);
  }

  /** Message and consumer counts of a queue (passive declare); `TOPOLOGY_MISMATCH` if it does not exist. */
  async queueStats(queue: string): Promise<QueueStats> {
    try {
      // The consuming link stays usable during a broker alarm (it never publishes), so prefer it.
      const stats = (this.#consuming ?? this.#publishing).conn.queueDeclare({ queue, passive: true });
      const { messageCount, consumerCount } = await withTimeout(stats, QUEUE_STATS_TIMEOUT_MS, () => new MqError('NOT_CONNECTED', 'broker did not answer in time'));
      return { messageCount, consumerCount };
    } catch (error) {
      if (error instanceof MqError) throw error;
      if (error instanceof AMQPChannelError && error.code === 'NOT_FOUND') throw new MqError('TOPOLOGY_MISMATCH', `queue "${queue}" does not exist`, { cause: error });
      throw new MqError('NOT_CONNECTED', `queue stats failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Closes consumers (with their drain timeout), publishers, then the connections. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await Promise.all([...this.#consumers].map((consumer) => consumer.close()));
    await Promise.all([...this.#publishers].map((publisher) => publisher.close()));
    await this.#republisher.close();
    await Promise.all([this.#publishing.conn.close(), this.#consuming?.conn.close()]);
    this.#tracker.set('closed');
  }

  #queueSpec(queue: string): QueueSpec {
    for (const topology of this.#topologies) {
      const spec = topology.queues.find((q) => q.name === queue);
      if (spec) return spec;
    }
    throw new MqError('TOPOLOGY_MISMATCH', `queue "${queue}" is not in a declared topology; declare() it first`);
  }

  /** Publishes go out on the publishing link; a blocked publishing link means `BLOCKED`. */
  #confirmPublisher(options: ConstructorParameters<typeof ConfirmPublisher>[0]['options']): ConfirmPublisher {
    const state = (): ConnectionState => (this.state === 'closed' ? 'closed' : this.#publishing.status);
    return new ConfirmPublisher({ conn: this.#publishing.conn, state, options });
  }

  /** Consumers get a connection of their own, opened when the first one is created. */
  #consumingLink(): ConnectionLink {
    if (this.state === 'closed') throw new MqError('CLOSED', 'client is closed');
    this.#consuming ??= this.#openLink('consume');
    this.#updateState({ connection: 'consume' });
    return this.#consuming;
  }

  #openLink(role: 'publish' | 'consume'): ConnectionLink {
    return new ConnectionLink(this.#options, role, {
      onConnected: (conn) => this.#redeclare(conn),
      onStatus: (detail) => this.#updateState(detail),
      onError: (error) => this.#report(error),
    });
  }

  /** Re-declares every topology on each (re)connect of either link. */
  async #redeclare(conn: ConnectionLink['conn']): Promise<void> {
    for (const topology of this.#topologies) {
      await declareTopology(conn, topology).catch((error: unknown) => this.#report(error as Error));
    }
  }

  /** connecting while any link is; blocked while any link is blocked; ready otherwise. */
  #updateState(detail: object): void {
    const links = [this.#publishing, this.#consuming].filter((link) => link !== undefined);
    const next = links.some((l) => l.status === 'connecting') ? 'connecting' : links.some((l) => l.status === 'blocked') ? 'blocked' : 'ready';
    this.#tracker.set(next, detail);
  }

  /** Errors are logged; they are emitted too, but only to listeners (an unheard 'error' would crash). */
  #report(error: Error): void {
    this.#options.logger.warn({ error: error.message, code: (error as { code?: string }).code }, 'amqp error');
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
