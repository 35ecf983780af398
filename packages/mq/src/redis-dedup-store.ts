import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { positiveMs } from './dedup.js';
import type { DedupClaim, DedupStore } from './types.js';

/** A claim's value is `claim:<token>`; a done id's value is `1`. */
const CLAIM_PREFIX = 'claim:';
/** Deletes a claim only while it is still ours: after it expired, another delivery may hold the id. */
const RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

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
 * Dedup shared by every consumer replica: one Redis key per id, claimed with `SET NX PX` while a
 * delivery runs and overwritten as done when it succeeds, expiring with the claim or the window. `ioredis` is an optional dependency, loaded only
 * when this store connects by itself.
 */
export class RedisDedupStore implements DedupStore {
  readonly #prefix: string;
  readonly #owned: boolean;
  /** Tokens are this process's id plus a counter: unique across replicas without a UUID per claim. */
  readonly #tokenPrefix = `${CLAIM_PREFIX}${randomUUID()}:`;
  #nextToken = 0;
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

  async claim(key: string, claimMs: number): Promise<DedupClaim> {
    const client = await this.#client;
    const token = `${this.#tokenPrefix}${++this.#nextToken}`;
    for (;;) {
      if ((await client.set(this.#prefix + key, token, 'PX', positiveMs(claimMs), 'NX')) === 'OK') return { status: 'claimed', token };
      const value = await client.get(this.#prefix + key);
      // null: the other claim expired or was released between the two commands; claim again.
      if (value !== null) return value.startsWith(CLAIM_PREFIX) ? { status: 'in-flight' } : { status: 'done' };
    }
  }

  async remember(key: string, windowMs: number): Promise<void> {
    const client = await this.#client;
    await client.set(this.#prefix + key, '1', 'PX', positiveMs(windowMs));
  }

  async release(key: string, token: string): Promise<void> {
    const client = await this.#client;
    await client.eval(RELEASE_SCRIPT, 1, this.#prefix + key, token);
  }

  async close(): Promise<void> {
    if (this.#owned) await (await this.#client).quit();
  }
}
