import { Writable } from 'node:stream';
import { createLogger } from '@mq/telemetry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drainBudget, installShutdown } from './shutdown.js';

const logger = createLogger('test', 'silent', new Writable({ write: (_c, _e, cb) => cb() }));

afterEach(() => {
  vi.useRealTimers();
});

describe('shutdown', () => {
  it('is draining at once and exits 0 after stop finishes, once', async () => {
    const exit = vi.fn();
    let finish!: () => void;
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const shutdown = installShutdown({ timeoutMs: 10_000, logger, stop, exit, signals: [] });
    expect(shutdown.draining).toBe(false);
    const done = shutdown.begin('SIGTERM');
    expect(shutdown.draining).toBe(true);
    void shutdown.begin('SIGTERM');
    expect(stop).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledWith(8000);
    expect(exit).not.toHaveBeenCalled();
    finish();
    await done;
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 0 at the deadline when draining hangs', async () => {
    vi.useFakeTimers();
    const exit = vi.fn();
    const shutdown = installShutdown({ timeoutMs: 1000, logger, stop: () => new Promise(() => {}), exit, signals: [] });
    void shutdown.begin('SIGTERM');
    await vi.advanceTimersByTimeAsync(999);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('keeps back a little of the timeout for closing', () => {
    expect(drainBudget(25_000)).toBe(23_000);
    expect(drainBudget(1000)).toBe(800);
    expect(drainBudget(0)).toBe(0);
  });
});
