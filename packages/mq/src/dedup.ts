import { LRUCache } from 'lru-cache';
import type { DedupClaim, DedupStore } from './types.js';

export interface MemoryDedupStoreOptions {
  /** Most ids kept; the least recently used are forgotten first beyond it. @default 100000 */
  maxEntries?: number;
}

const DONE: DedupClaim = { status: 'done' };
const IN_FLIGHT: DedupClaim = { status: 'in-flight' };
/** The value of a done id; a claimed id holds its claim's token (never empty). */
const DONE_MARK = '';

/** A TTL both stores accept: a whole number of ms, at least 1 (0 would mean "never" to lru-cache). */
export function positiveMs(ms: number): number {
  return Math.max(1, Math.round(ms));
}

/**
 * Remembers message ids in this process: claimed while a delivery runs, done for their window.
 * Bounded: beyond `maxEntries` the least recently used ids are forgotten (a late duplicate is then
 * processed again, which at-least-once delivery allows). For several consumer replicas use
 * {@link RedisDedupStore}.
 *
 * On lru-cache rather than a `Map` kept in insertion order: evicting the oldest entry of a full
 * V8 `Map` walks over every deleted slot in front of it until the table is rehashed, which cost
 * about 30 µs per delivery once 100,000 ids were held (found in the latency row; the dedup-store
 * row of `npm run bench` guards it).
 */
export class MemoryDedupStore implements DedupStore {
  /** id -> its claim's token, or DONE_MARK; each entry expires with its own TTL. */
  readonly #entries: LRUCache<string, string>;
  #nextToken = 0;

  constructor(options: MemoryDedupStoreOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    if (!(Number.isInteger(max) && max >= 1)) throw new TypeError('maxEntries must be a whole number >= 1');
    this.#entries = new LRUCache({ max });
  }

  /** Ids currently held, claimed or done (expired ones may linger until read or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  claim(key: string, claimMs: number): Promise<DedupClaim> {
    const held = this.#entries.get(key);
    if (held !== undefined) return Promise.resolve(held === DONE_MARK ? DONE : IN_FLIGHT);
    const token = String(++this.#nextToken);
    this.#entries.set(key, token, { ttl: positiveMs(claimMs) });
    return Promise.resolve({ status: 'claimed', token });
  }

  remember(key: string, windowMs: number): Promise<void> {
    this.#entries.set(key, DONE_MARK, { ttl: positiveMs(windowMs) });
    return Promise.resolve();
  }

  release(key: string, token: string): Promise<void> {
    if (this.#entries.get(key) === token) this.#entries.delete(key);
    return Promise.resolve();
  }
}
