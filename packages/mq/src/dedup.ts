import type { DedupClaim, DedupStore } from './types.js';

export interface MemoryDedupStoreOptions {
  /** Most ids kept; the oldest are forgotten first beyond it. @default 100000 */
  maxEntries?: number;
}

const DONE: DedupClaim = { status: 'done' };
const IN_FLIGHT: DedupClaim = { status: 'in-flight' };

interface Entry {
  expiry: number;
  /** The claim's token while a delivery runs; undefined once done. */
  token: string | undefined;
}

/**
 * Remembers message ids in this process: claimed while a delivery runs, done for their window.
 * Bounded: beyond `maxEntries` the oldest ids are forgotten (a late duplicate is then processed
 * again, which at-least-once delivery allows). For several consumer replicas use {@link RedisDedupStore}.
 */
export class MemoryDedupStore implements DedupStore {
  /** A Map iterates in insertion order, so the first entry is the oldest. */
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  #nextToken = 0;

  constructor(options: MemoryDedupStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    if (!(this.#maxEntries >= 1)) throw new TypeError('maxEntries must be >= 1');
  }

  /** Ids currently held, claimed or done (expired ones may linger until the next write). */
  get size(): number {
    return this.#entries.size;
  }

  claim(key: string, claimMs: number): Promise<DedupClaim> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiry > Date.now()) return Promise.resolve(entry.token === undefined ? DONE : IN_FLIGHT);
    const token = String(++this.#nextToken);
    this.#set(key, { expiry: Date.now() + claimMs, token });
    return Promise.resolve({ status: 'claimed', token });
  }

  remember(key: string, windowMs: number): Promise<void> {
    this.#set(key, { expiry: Date.now() + windowMs, token: undefined });
    return Promise.resolve();
  }

  release(key: string, token: string): Promise<void> {
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
    return Promise.resolve();
  }

  #set(key: string, entry: Entry): void {
    this.#entries.delete(key); // re-inserted last: it is now the newest
    this.#entries.set(key, entry);
    this.#evict();
  }

  #evict(): void {
    const now = Date.now();
    for (const [key, { expiry }] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && expiry > now) break;
      this.#entries.delete(key);
    }
  }
}
