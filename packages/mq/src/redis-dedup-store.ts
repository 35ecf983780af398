import type { Redis } from 'ioredis';
import type { DedupStore } from './types.js';

export interface RedisDedupStoreOptions {
  /** An ioredis client to use (not closed by `close()`); or give `url`. */
  client?: Redis;
  /** Connect a client of our own (closed by `close()`). @default process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  url?: string;
  /** @default 'mq:dedup:' */
  keyPrefix?: string;
  /** Connection errors of a client we connected (commands reject as well, and the consumer logs those). */
  onError?: (error: Error) => void;
}

/**
 * Dedup shared by every consumer replica: one Redis key per processed id, written with
 * `SET NX PX` so it expires with the window. `ioredis` is an optional dependency, loaded only
 * when this store connects by itself.
 */
export class RedisDedupStore implements DedupStore {
  readonly #prefix: string;
  readonly #owned: boolean;
  #client: Promise<Redis>;

  constructor(options: RedisDedupStoreOptions = {}) {
    this.#prefix = options.keyPrefix ?? 'mq:dedup:';
    this.#owned = !options.client;
    const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.#client = options.client ? Promise.resolve(options.client) : this.#connect(url, options.onError ?? (() => undefined));
  }

  async #connect(url: string, onError: (error: Error) => void): Promise<Redis> {
    const { Redis: Client } = await import('ioredis');
    // A command fails after two reconnect attempts instead of waiting forever: dedup must not hold
    // up delivery while Redis is down.
    const client = new Client(url, { maxRetriesPerRequest: 2 });
    client.on('error', onError);
    return client;
  }

  async has(key: string): Promise<boolean> {
    const client = await this.#client;
    return (await client.exists(this.#prefix + key)) === 1;
  }

  async remember(key: string, windowMs: number): Promise<void> {
    const client = await this.#client;
    await client.set(this.#prefix + key, '1', 'PX', Math.max(1, Math.round(windowMs)), 'NX');
  }

  async close(): Promise<void> {
    if (this.#owned) await (await this.#client).quit();
  }
}
