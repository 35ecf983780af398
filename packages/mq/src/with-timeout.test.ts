import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTimeout } from './with-timeout.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('settles like the promise and clears its timer', async () => {
    vi.useFakeTimers();
    await expect(withTimeout(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('no')), 1000, () => new Error('late'))).rejects.toThrow('no');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with onTimeout() when the promise is slower, and ignores its later outcome', async () => {
    vi.useFakeTimers();
    let fail: (error: Error) => void = () => undefined;
    const slow = new Promise<number>((_resolve, reject) => (fail = reject));
    const bounded = withTimeout(slow, 1000, () => new Error('late'));
    const outcome = expect(bounded).rejects.toThrow('late');
    await vi.advanceTimersByTimeAsync(1000);
    await outcome;
    fail(new Error('after the deadline')); // handled: no unhandled rejection
    expect(vi.getTimerCount()).toBe(0);
  });
});
