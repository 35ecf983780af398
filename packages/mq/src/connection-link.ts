import type { Connection } from 'rabbitmq-client';
import { isSocketOpen, onEveryConnectionFailure, openConnection } from './connection.js';
import type { NormalizedConnectionOptions } from './options.js';
import { describeTlsFailure } from './tls-failure.js';

/** What one connection is doing: the client's state is made from its links' statuses. */
export type LinkStatus = 'connecting' | 'ready' | 'blocked';

export interface ConnectionLinkHooks {
  /** Runs on every (re)connect before the link reports ready, e.g. to re-declare the topology. */
  onConnected(conn: Connection): Promise<void>;
  onStatus(detail: object): void;
  onError(error: Error): void;
}

/**
 * One auto-reconnecting rabbitmq-client connection with its status. The client keeps publishing
 * and consuming on separate links, as RabbitMQ advises: a memory alarm blocks a connection that
 * publishes, socket and all, and must not stall the acks of consumers.
 */
export class ConnectionLink {
  readonly conn: Connection;
  #status: LinkStatus = 'connecting';
  #blocked = false;

  constructor(
    options: NormalizedConnectionOptions,
    readonly role: 'publish' | 'consume',
    private readonly hooks: ConnectionLinkHooks,
  ) {
    const connectionName = options.connectionName && role === 'consume' ? `${options.connectionName} (consume)` : options.connectionName;
    this.conn = openConnection({ ...options, connectionName });
    this.#watch();
  }

  get status(): LinkStatus {
    return this.#status;
  }

  #set(status: LinkStatus, detail: object = {}): void {
    if (status === this.#status) return;
    this.#status = status;
    this.hooks.onStatus({ connection: this.role, ...detail });
  }

  #watch(): void {
    const conn = this.conn;
    conn.on('connection', () => void this.#connected());
    conn.on('error', (error: Error) => {
      if (!isSocketOpen(conn)) this.#set('connecting', { error: error.message });
      if (!describeTlsFailure(error)) this.hooks.onError(error); // reported below, every time
    });
    // Certificate failures are reported on every attempt, not only the first of a series: the
    // apps stop on them (a reconnect can meet a certificate that has expired meanwhile).
    onEveryConnectionFailure(conn, (error) => {
      if (describeTlsFailure(error)) this.hooks.onError(error);
    });
    conn.on('connection.blocked', (reason: string) => {
      this.#blocked = true;
      this.#set('blocked', { reason });
    });
    conn.on('connection.unblocked', () => {
      this.#blocked = false;
      if (isSocketOpen(conn)) this.#set('ready');
    });
  }

  async #connected(): Promise<void> {
    this.#blocked = false;
    await this.hooks.onConnected(this.conn);
    if (isSocketOpen(this.conn)) this.#set(this.#blocked ? 'blocked' : 'ready');
  }
}
