import type { Redis } from 'ioredis';
import type { DedupStore } from './types.js';

export interface RedisDedupStoreOptions {
  /** An ioredis client to use (not closed by `close()`); or give `url`. */
  client?: Redis;
  /** Connect a client of our own (closed by `close()`). @default process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  url?: string;
  /** @default 'mq:dedup:' */
  keyPrefix?: string;
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
    this.#client = options.client ? Promise.resolve(options.client) : import('ioredis').then(({ Redis: Client }) => new Client(url, { maxRetriesPerRequest: 2 }));
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
