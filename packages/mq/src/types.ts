/**
 * The public shapes of `@mq/mq`. Implementations live in connection.ts, topology.ts,
 * publisher.ts, consumer.ts, retry.ts, dedup.ts and dead-letters.ts.
 */

/** pino-compatible: `logger.info({ queue }, 'message')`. */
export interface MqLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** `connecting` (also while reconnecting), `ready`, `blocked` (broker alarm: publishes fail fast with `BLOCKED`), `closed`. */
export type ConnectionState = 'connecting' | 'ready' | 'blocked' | 'closed';

/** PEM files for `amqps://` URLs; without them the system CAs are used. */
export interface TlsFiles {
  /** PEM file of the CA that signed the broker's certificate. */
  caFile?: string;
  /** PEM client certificate for mutual TLS. */
  certFile?: string;
  /** PEM private key of `certFile`. */
  keyFile?: string;
}

/** How `MqClient` connects; see the README for the reconnect and heartbeat behaviour. */
export interface ConnectionOptions {
  /** Broker URLs, tried in turn; `amqps://` means TLS. */
  urls: string[];
  /** Shown in the management UI and `rabbitmqctl list_connections`. */
  connectionName?: string;
  /** @default 30 */
  heartbeatSeconds?: number;
  /** First reconnect delay; grows exponentially with jitter. @default 1000 */
  reconnectInitialDelayMs?: number;
  /** @default 30000 */
  reconnectMaxDelayMs?: number;
  tls?: TlsFiles;
  logger?: MqLogger;
}

/** Broker-side delayed retries of one subscription: delay = initialDelayMs × multiplier^(attempt-1), capped at maxDelayMs. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last one the message is parked. @default 5 */
  maxAttempts: number;
  /** @default 1000 */
  initialDelayMs: number;
  /** @default 30000 */
  maxDelayMs: number;
  /** @default 2 */
  multiplier: number;
}

/** Binds a work queue to a topic exchange. */
export interface BindingSpec {
  exchange: string;
  /** Binding pattern (`*`, `#` allowed). */
  routingKey: string;
}

/** One subscription's work queue with its bindings, retry policy and dead-letter choice. */
export interface QueueSpec {
  /** Quorum queue name. Retry queues are `<name>.retry.<delayMs>`, the dead-letter queue `<name>.dlq`. */
  name: string;
  bindings: BindingSpec[];
  retry: RetryPolicy;
  /** Declare `<name>.dlq` and park exhausted or poison messages there. When false they are logged and dropped. */
  deadLetter: boolean;
  /** Optional `x-max-length`, with `x-overflow: reject-publish` so a full queue nacks publishes. */
  maxLength?: number;
}

/** Everything declared on connect and re-declared after every reconnect. */
export interface Topology {
  /** Durable topic exchanges. */
  exchanges: string[];
  queues: QueueSpec[];
  /**
   * The longest delay publishers will ask for: the delay levels it needs are declared (binary
   * levels of 100 ms × 2^k, shared by every topic; at most `MAX_DELAY_MS`). 0 declares none.
   * @default 0
   */
  maxDelayMs?: number;
}

/** Bounds of a {@link Publisher}: nothing is ever buffered without limit. */
export interface PublisherOptions {
  /** How long to wait for a confirm before rejecting with `PUBLISH_TIMEOUT`. @default 5000 */
  confirmTimeoutMs?: number;
  /** How long a publish may wait for a (re)connection before `NOT_CONNECTED`. @default 2000 */
  connectWaitMs?: number;
  /** Publishes awaiting confirms at once; more reject with `OVERLOADED`. @default 1024 */
  maxInFlight?: number;
  /** AMQP `app-id` property. */
  appId?: string;
}

/** An application header value (AMQP field table). */
export type HeaderValue = string | number | boolean;

/** What to publish; persistence, `mandatory`, timestamp and message id are added. */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  body: Buffer | string;
  /** @default 'application/octet-stream' */
  contentType?: string;
  /** Becomes AMQP `message-id`; generated (sortable, unique) when absent. */
  messageId?: string;
  headers?: Record<string, HeaderValue>;
  /**
   * Hold the message in the broker for this long (rounded up to 100 ms) before it is routed by
   * the exchange's bindings of that time. Needs the delay levels declared
   * (`Topology.maxDelayMs`); at most `MAX_DELAY_MS`. 0 or absent = now.
   */
  delayMs?: number;
  /** The due time to record with a delayed message; default now + `delayMs`. */
  notBefore?: Date;
}

/** The outcome of a confirmed publish. */
export interface PublishResult {
  messageId: string;
  /** For a delayed message: the time before which it is not delivered. */
  notBefore?: Date;
}

/** Publishes with confirms; create with `MqClient.createPublisher()`. */
export interface Publisher {
  /**
   * Publishes persistent, `mandatory`, with confirms. Resolves only once the broker confirmed the
   * message into a queue; rejects with an {@link MqError} otherwise, never hangs past
   * `connectWaitMs + confirmTimeoutMs`.
   */
  publish(message: OutgoingMessage): Promise<PublishResult>;
  close(): Promise<void>;
}

/** A delivery as the handler sees it. */
export interface IncomingMessage {
  body: Buffer;
  contentType: string | undefined;
  /** Absent when the publisher set none (then there is no dedup). */
  messageId: string | undefined;
  timestamp: Date | undefined;
  /** The exchange and routing key it was first published with, also on retries. */
  exchange: string;
  routingKey: string;
  /** Application headers, without this library's own bookkeeping headers. */
  headers: Record<string, unknown>;
  /** 1-based; counted in our own header, so it holds on RabbitMQ 4.x and resets on replay. */
  attempt: number;
  /** Set when the message was published with a delay: the time it was due. */
  notBefore?: Date;
  /** The queue it was consumed from. */
  queue: string;
}

/**
 * Resolve = done (ack). Throw {@link UnrecoverableError} = park now. Throw
 * {@link RetryLaterError} = retry after at least its delay. Any other throw = retry with backoff.
 */
export type MessageHandler = (message: IncomingMessage) => Promise<void>;

/** How a delivery ended: handled, sent to a delay queue, parked, skipped as a duplicate, or dropped (no dead-letter queue). */
export type DeliveryOutcome = 'done' | 'retried' | 'parked' | 'duplicate' | 'dropped';

/** Emitted as `outcome` by a {@link Consumer} after each delivery, for metrics and logs. */
export interface OutcomeEvent {
  queue: string;
  outcome: DeliveryOutcome;
  message: IncomingMessage;
  durationMs: number;
  error?: Error;
}

/**
 * What {@link DedupStore.claim} found: the id is now this delivery's (`token` releases it), another
 * delivery of the same id is running, or the id was processed within its window.
 */
export type DedupClaim = { status: 'claimed'; token: string } | { status: 'in-flight' } | { status: 'done' };

/**
 * Remembers message ids: claimed while a delivery of the id runs (so a second copy in flight at
 * the same moment waits instead of running too), and done for a window once processed.
 */
export interface DedupStore {
  /** Claims `key` for `claimMs` unless it is claimed or done; a claim left behind by a crash expires. */
  claim(key: string, claimMs: number): Promise<DedupClaim>;
  /** Marks `key` done for `windowMs` (replacing the claim). */
  remember(key: string, windowMs: number): Promise<void>;
  /** Drops the claim `token` holds, if it still does (the delivery failed; its retry may claim again). */
  release(key: string, token: string): Promise<void>;
  close?(): Promise<void>;
}

/** Options of `MqClient.createConsumer()`. */
export interface ConsumerOptions {
  /** Must be one of the declared topology's queues (its retry policy comes from there). */
  queue: string;
  /** @default 32 */
  prefetch?: number;
  /** Handlers running at once. @default 16 */
  concurrency?: number;
  /**
   * Dedup by message id; omit to disable. `claimMs` bounds how long a running delivery holds its id
   * against copies: make it longer than a delivery can take. @default claimMs 60000
   */
  dedup?: { store: DedupStore; windowMs: number; claimMs?: number };
}

/** A running consumer of one queue; create with `MqClient.createConsumer()`. */
export interface Consumer {
  /**
   * Stop taking deliveries (e.g. the app is down): nothing new starts, running deliveries settle
   * on their channel, prefetched ones go back to the queue untouched; then the subscription is cancelled.
   */
  pause(): Promise<void>;
  resume(): Promise<void>;
  readonly paused: boolean;
  /** Handlers running now. */
  readonly inFlight: number;
  /**
   * Stops taking deliveries, waits for in-flight handlers up to `timeoutMs`, and leaves
   * unfinished messages to be redelivered (never parked).
   */
  close(timeoutMs?: number): Promise<void>;
  on<E extends keyof ConsumerEvents>(event: E, listener: (...args: ConsumerEvents[E]) => void): this;
}

/** An ack or nack that could not be sent: the broker redelivers that message (dedup stops the copy). */
export interface AckFailureEvent {
  queue: string;
  error: Error;
}

/** Events of a {@link Consumer}. */
export interface ConsumerEvents {
  outcome: [OutcomeEvent];
  'ack-failure': [AckFailureEvent];
}

/** A parked message, read without removing it. */
export interface ParkedMessage {
  /** Position-independent handle for replay: the message id, or a generated one if it had none. */
  id: string;
  body: Buffer;
  contentType: string | undefined;
  headers: Record<string, unknown>;
  attempts: number;
  lastError: string;
  originalExchange: string;
  originalRoutingKey: string;
  firstFailureAt: Date;
  lastFailureAt: Date;
}

/** Operator actions on a subscription's dead-letter queue (`<queue>.dlq`); `queue` is the work queue's name. */
/** Which parked messages a replay moves: all (undefined), these ids, or those a predicate picks. */
export type ReplaySelection = string[] | ((message: ParkedMessage) => boolean) | undefined;

/** What a replay did, message by message where it matters: nothing it reports as failed left the dead-letter queue. */
export interface ReplayResult {
  /** Messages confirmed on the work queue and removed from the dead-letter queue. */
  replayed: number;
  /** Messages whose republish failed; they stayed parked. */
  failed: Array<{ id: string; error: string }>;
  /** Ids asked for that were not parked (only for an id selection). */
  notParked: string[];
  /** Set when the replay stopped before it saw every parked message (the rest stayed parked). */
  stoppedEarly?: string;
}

export interface DeadLetterAdmin {
  /** Up to `limit` parked messages of a queue, oldest first, none lost. */
  list(queue: string, limit?: number): Promise<ParkedMessage[]>;
  /**
   * Shows every parked message of a queue to `visit`, oldest first, without removing any;
   * `visit` returns `false` to stop early. Resolves with the number of messages visited.
   */
  browse(queue: string, visit: (message: ParkedMessage) => boolean | void): Promise<number>;
  /** Moves parked messages back to the work queue with the attempt count reset, each only once confirmed there. */
  replay(queue: string, selection?: ReplaySelection): Promise<ReplayResult>;
  /**
   * Removes every parked message. With `expected`, only if exactly that many are parked (the
   * count an operator confirmed); otherwise nothing is removed and `parked` says how many there are.
   */
  purge(queue: string, expected?: number): Promise<{ purged: number; parked: number }>;
}

/** Counts from a passive queue declaration. */
export interface QueueStats {
  messageCount: number;
  consumerCount: number;
}

/** Events of `MqClient`: `state` on every connection state change, `error` for connection and declaration errors. */
export interface MqClientEvents {
  state: [state: ConnectionState, previous: ConnectionState];
  error: [error: Error];
}
