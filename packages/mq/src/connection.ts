import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Connection, type Channel, type ConnectionOptions as RabbitOptions, type Consumer as RabbitConsumer } from 'rabbitmq-client';
import { RAW_ENCODING } from './headers.js';
import type { NormalizedConnectionOptions } from './options.js';
import type { ConnectionState, MqLogger, TlsFiles } from './types.js';

/** How long rabbitmq-client's `acquire()` waits for a connection before failing. */
const ACQUIRE_TIMEOUT_MS = 20_000;

/**
 * The socket's write buffer before rabbitmq-client waits for 'drain'. Node's default (16 KiB)
 * is about 14 publishes of 1 KiB: a gateway batch of 100 then left the corked socket after 14
 * and the rest went out one `writev` each (see coalesceWrites). Bounded all the
 * same: the publisher caps its in-flight messages.
 */
const SOCKET_WRITE_BUFFER_BYTES = 1024 * 1024;

/** Internals of rabbitmq-client we rely on, typed in one place. */
interface ConnectionInternals {
  _state: { readyState: number };
  /** The current socket; replaced on every reconnect. */
  _socket?: Socket;
  _writeMethod(frame: { channelId: number; params: { mechanism?: string; response?: string } }): void;
  _reset(err: Error): void;
}
interface ChannelInternals {
  _onHeader(frame: { fields: { contentType?: string; contentEncoding?: string } }): void;
}
interface ConsumerInternals {
  /** The subscription's channel, private to rabbitmq-client's Consumer. */
  _ch?: Channel;
}
const OPEN = 1;

/** True while the socket is up (blocked or not). */
export function isSocketOpen(conn: Connection): boolean {
  return (conn as unknown as ConnectionInternals)._state.readyState === OPEN;
}

/** The connection's current socket, when rabbitmq-client still keeps it where we expect. */
export function socketOf(conn: Connection): Socket | undefined {
  return (conn as unknown as ConnectionInternals)._socket;
}

/** A consumer's channel: `close(timeout)` closes it to hand unfinished messages back. */
export function channelOf(consumer: RabbitConsumer): Channel | undefined {
  return (consumer as unknown as ConsumerInternals)._ch;
}

function readTls(files: TlsFiles | undefined): RabbitOptions['tls'] {
  const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  return { ca: read(files?.caFile), cert: read(files?.certFile), key: read(files?.keyFile) };
}

/** Maps our options onto rabbitmq-client's: one credential set, every URL's host tried in turn. */
export function toRabbitOptions(options: NormalizedConnectionOptions): RabbitOptions {
  const [first] = options.urls as [string, ...string[]];
  const tls = new URL(first).protocol === 'amqps:';
  const hosts = options.urls.map((url) => {
    const { hostname, port } = new URL(url);
    return `${hostname}:${port || (tls ? 5671 : 5672)}`;
  });
  return {
    url: first,
    hosts,
    connectionName: options.connectionName,
    heartbeat: options.heartbeatSeconds,
    retryLow: options.reconnectInitialDelayMs,
    retryHigh: options.reconnectMaxDelayMs,
    acquireTimeout: ACQUIRE_TIMEOUT_MS,
    // Not in rabbitmq-client's type (TcpSocketConnectOpts), but net.connect() passes it to the Socket.
    socket: { writableHighWaterMark: SOCKET_WRITE_BUFFER_BYTES } as unknown as RabbitOptions['socket'],
    ...(tls ? { tls: readTls(options.tls) } : {}),
  };
}

/**
 * rabbitmq-client decodes `application/json` and `text/plain` bodies; we need the exact bytes
 * (to hand them on and to republish them unchanged), so every channel of our connection gets a
 * marker encoding that switches the decoding off. `contentEncodingOf()` hides the marker again.
 */
function keepRawBodies(channel: Channel): Channel {
  const internals = channel as unknown as ChannelInternals;
  const onHeader = internals._onHeader.bind(channel);
  internals._onHeader = (frame) => {
    const fields = frame.fields;
    if (!fields.contentEncoding && (fields.contentType === 'application/json' || fields.contentType === 'text/plain')) {
      fields.contentEncoding = RAW_ENCODING;
    }
    onHeader(frame);
  };
  return channel;
}

/**
 * SASL EXTERNAL: with a client certificate and no user name in the URL, the broker
 * (rabbitmq_auth_mechanism_ssl) takes the user from the certificate. rabbitmq-client 5 always
 * answers connection.start with PLAIN (see the TODO in its Connection#_negotiate), so we rewrite
 * that one frame, on every (re)connect: mechanism EXTERNAL, an empty response.
 */
export function usesExternalAuth(options: Pick<NormalizedConnectionOptions, 'urls' | 'tls'>): boolean {
  const first = new URL(options.urls[0]!);
  return first.protocol === 'amqps:' && first.username === '' && options.tls?.certFile !== undefined;
}

function useExternalMechanism(conn: Connection): void {
  const internals = conn as unknown as ConnectionInternals;
  const writeMethod = internals._writeMethod.bind(conn);
  internals._writeMethod = (frame) => {
    if (frame.channelId === 0 && frame.params.mechanism === 'PLAIN') frame = { ...frame, params: { ...frame.params, mechanism: 'EXTERNAL', response: '' } };
    writeMethod(frame);
  };
}

/**
 * Calls `listener` with the error of every failed connection attempt. rabbitmq-client emits
 * 'error' only for the first failures of a reconnect series ("suppress spam"), so a certificate
 * that turns bad while the broker restarts would otherwise only show as a reconnect that never
 * succeeds; every failure passes through its internal `_reset(err)`.
 */
export function onEveryConnectionFailure(conn: Connection, listener: (err: Error) => void): void {
  const internals = conn as unknown as ConnectionInternals;
  const reset = internals._reset.bind(conn);
  internals._reset = (err) => {
    reset(err);
    listener(err);
  };
}

/** Opens the (auto-reconnecting) connection; all its channels deliver raw bodies. */
export function openConnection(options: NormalizedConnectionOptions): Connection {
  const conn = new Connection(toRabbitOptions(options));
  if (usesExternalAuth(options)) useExternalMechanism(conn);
  const acquire = conn.acquire.bind(conn);
  conn.acquire = async (opt) => keepRawBodies(await acquire(opt));
  return conn;
}

/** Holds the observable connection state; logs and reports each change exactly once. */
export class ConnectionStateTracker {
  #state: ConnectionState = 'connecting';

  constructor(
    private readonly logger: MqLogger,
    private readonly onChange: (state: ConnectionState, previous: ConnectionState) => void,
  ) {}

  get state(): ConnectionState {
    return this.#state;
  }

  set(next: ConnectionState, detail: object = {}): void {
    const previous = this.#state;
    if (next === previous || previous === 'closed') return;
    this.#state = next;
    const level = next === 'ready' || next === 'closed' ? 'info' : 'warn';
    this.logger[level]({ state: next, previous, ...detail }, `amqp connection ${next}`);
    this.onChange(next, previous);
  }
}
