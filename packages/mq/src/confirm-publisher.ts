import { AMQPChannelError, AMQPConnectionError, AMQPError, type Channel, type Connection, type Envelope, type ReturnedMessage } from 'rabbitmq-client';
import { coalesceWrites } from './coalesce-writes.js';
import { MqError } from './errors.js';
import type { ConnectionState, PublisherOptions } from './types.js';
import { nextMacrotask, withTimeout } from './with-timeout.js';

export interface ConfirmPublisherDeps {
  conn: Connection;
  state: () => ConnectionState;
  options: Required<Omit<PublisherOptions, 'appId'>>;
}

/**
 * Publishes on one confirm-mode channel: persistent, `mandatory`, every outcome a distinct
 * {@link MqError}, and nothing buffered without bound (in-flight publishes are capped, waiting for
 * a connection is bounded, a blocked connection fails at once instead of piling up in memory).
 */
export class ConfirmPublisher {
  #channel: Channel | undefined;
  #opening: Promise<Channel> | undefined;
  #closed = false;
  /** Message ids awaiting a confirm, counted (two publishes may share an id). */
  readonly #pending = new Map<string, number>();
  readonly #returned = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  /** Publishes awaiting a confirm per channel: a retired channel is closed once it has none. */
  readonly #awaiting = new Map<Channel, number>();
  readonly #retired = new Set<Channel>();

  constructor(private readonly deps: ConfirmPublisherDeps) {}

  /** Made once, not per publish: the timeout's error, built only when it fires. */
  readonly #confirmTimedOut = (): MqError =>
    new MqError('PUBLISH_TIMEOUT', `no confirm within ${this.deps.options.confirmTimeoutMs} ms; the message may or may not be stored`);

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** A basic.return finds its publish by message id (internal republishes may have none). */
  send(envelope: Envelope, body: Buffer): Promise<void> {
    const refusal = this.#refusal() ?? this.#overload();
    if (refusal) return Promise.reject(refusal);
    const sending = this.#send(envelope, body);
    this.#inFlight.add(sending);
    const forget = () => this.#inFlight.delete(sending);
    sending.then(forget, forget);
    return sending;
  }

  /** Waits for in-flight publishes (each bounded by its timeouts), then closes the channel. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    // A channel still opening (no connection yet) is closed when it arrives, without waiting for it.
    this.#opening?.then((channel) => channel.close(), () => undefined).catch(() => undefined);
    await this.#channel?.close();
  }

  #refusal(): MqError | undefined {
    const state = this.deps.state();
    if (this.#closed || state === 'closed') return new MqError('CLOSED', 'publisher is closed');
    if (state === 'blocked') return new MqError('BLOCKED', 'the broker is blocking publishers (memory or disk alarm)');
    return undefined;
  }

  #overload(): MqError | undefined {
    const { maxInFlight } = this.deps.options;
    if (this.#inFlight.size < maxInFlight) return undefined;
    return new MqError('OVERLOADED', `${this.#inFlight.size} publishes already await confirms (maxInFlight ${maxInFlight})`);
  }

  async #send(envelope: Envelope, body: Buffer): Promise<void> {
    // An open channel is used without an await: one microtask less per publish.
    const channel = this.#channel?.active ? this.#channel : await this.#confirmChannel();
    const blocked = this.#refusal();
    if (blocked) throw blocked;
    const id = envelope.messageId ?? '';
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + 1);
    this.#awaiting.set(channel, (this.#awaiting.get(channel) ?? 0) + 1);
    try {
      coalesceWrites(this.deps.conn); // the publishes of this loop turn share a write
      const confirmed = channel.basicPublish({ ...envelope, durable: true, mandatory: true }, body);
      await withTimeout(confirmed, this.deps.options.confirmTimeoutMs, this.#confirmTimedOut);
      // The broker sends basic.return before the ack, but rabbitmq-client emits it on setImmediate.
      await nextMacrotask();
      if (this.#returned.delete(id)) throw new MqError('UNROUTABLE', `no queue is bound for exchange "${envelope.exchange}" and routing key "${envelope.routingKey}"`);
    } catch (error) {
      const failure = toPublishError(error);
      if (failure.code === 'PUBLISH_TIMEOUT' || failure.code === 'PUBLISH_NACKED') this.#retire(channel);
      throw failure;
    } finally {
      const left = (this.#pending.get(id) ?? 1) - 1;
      if (left > 0) this.#pending.set(id, left);
      else this.#pending.delete(id);
      this.#settledOn(channel);
    }
  }

  /**
   * A nack or a confirm timeout leaves its channel suspect. When the node leading a quorum queue
   * shuts down, a channel opened on a survivor at that moment (just what a client reconnecting
   * from that node does) can nack every later publish to the queue while other channels work
   * (seen on RabbitMQ 3.10), or never confirm them (rabbitmq-server#14589: an enqueue lost with
   * the old leader is not resent, later ones wait behind it). Reusing it would fail every publish
   * while the connection stays healthy, so no reconnect ever comes. New publishes go out on a
   * fresh channel; this one is closed once its last publish settles (each is bounded by its own
   * timeout). A nack that only means "queue full" costs one channel open.
   */
  #retire(channel: Channel): void {
    if (this.#channel !== channel) return;
    this.#channel = undefined;
    this.#retired.add(channel);
  }

  #settledOn(channel: Channel): void {
    const left = (this.#awaiting.get(channel) ?? 1) - 1;
    if (left > 0) {
      this.#awaiting.set(channel, left);
      return;
    }
    this.#awaiting.delete(channel);
    if (this.#retired.delete(channel)) channel.close().catch(() => undefined);
  }

  #confirmChannel(): Promise<Channel> {
    if (this.#channel?.active) return Promise.resolve(this.#channel);
    this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
    const { connectWaitMs } = this.deps.options;
    return withTimeout(this.#opening, connectWaitMs, () => new MqError('NOT_CONNECTED', `not connected to the broker within ${connectWaitMs} ms`));
  }

  async #open(): Promise<Channel> {
    const channel = await this.deps.conn.acquire();
    channel.on('basic.return', (message: ReturnedMessage) => {
      const id = message.messageId ?? '';
      if (this.#pending.has(id)) this.#returned.add(id);
    });
    await channel.confirmSelect();
    this.#channel = channel;
    return channel;
  }
}

function toPublishError(error: unknown): MqError {
  if (error instanceof MqError) return error;
  if (error instanceof AMQPConnectionError || (error instanceof AMQPChannelError && error.code === 'CH_CLOSE')) {
    return new MqError('NOT_CONNECTED', `connection lost before the broker confirmed; the message may or may not be stored`, { cause: error });
  }
  if (error instanceof AMQPChannelError && error.code === 'NOT_FOUND') {
    return new MqError('UNROUTABLE', error.message, { cause: error });
  }
  if (error instanceof AMQPError && error.code === 'NACK') {
    return new MqError('PUBLISH_NACKED', 'the broker refused the message (e.g. a full queue)', { cause: error });
  }
  return new MqError('NOT_CONNECTED', `publish failed: ${(error as Error).message}`, { cause: error });
}
