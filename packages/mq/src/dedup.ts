import type { DedupStore } from './types.js';

export interface MemoryDedupStoreOptions {
  /** Most ids kept; the oldest are forgotten first beyond it. @default 100000 */
  maxEntries?: number;
}

/**
 * Remembers processed message ids in this process for their window. Bounded: beyond
 * `maxEntries` the oldest ids are forgotten (a late duplicate is then processed again, which
 * at-least-once delivery allows). For several consumer replicas use {@link RedisDedupStore}.
 */
export class MemoryDedupStore implements DedupStore {
  /** id → expiry time; a Map iterates in insertion order, so the first entry is the oldest. */
  readonly #expiries = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(options: MemoryDedupStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    if (!(this.#maxEntries >= 1)) throw new TypeError('maxEntries must be >= 1');
  }

  /** Ids currently remembered (expired ones may linger until the next write). */
  get size(): number {
    return this.#expiries.size;
  }

  has(key: string): Promise<boolean> {
    const expiry = this.#expiries.get(key);
    return Promise.resolve(expiry !== undefined && expiry > Date.now());
  }

  remember(key: string, windowMs: number): Promise<void> {
    this.#expiries.delete(key);
    this.#expiries.set(key, Date.now() + windowMs);
    this.#evict();
    return Promise.resolve();
  }

  #evict(): void {
    const now = Date.now();
    for (const [key, expiry] of this.#expiries) {
      if (this.#expiries.size <= this.#maxEntries && expiry > now) break;
      this.#expiries.delete(key);
    }
  }
}
