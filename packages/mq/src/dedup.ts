import type { DedupStore } from './types.js';

// PLACEHOLDER: replaced by the mq core work.
export class MemoryDedupStore implements DedupStore {
  has(_key: string): Promise<boolean> {
    return Promise.reject(new Error('not implemented yet'));
  }
  remember(_key: string, _windowMs: number): Promise<void> {
    return Promise.reject(new Error('not implemented yet'));
  }
}

export class RedisDedupStore extends MemoryDedupStore {}
