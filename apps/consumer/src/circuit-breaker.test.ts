import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCircuitBreaker, type CircuitState } from './circuit-breaker.js';

afterEach(() => {
  vi.useRealTimers();
});

function setup(probeResults: boolean[]) {
  vi.useFakeTimers();
  const changes: CircuitState[] = [];
  const probe = vi.fn(() => Promise.resolve(probeResults.shift() ?? true));
  const breaker = createCircuitBreaker({
    failureThreshold: 3,
    openMs: 100,
    maxOpenMs: 250,
    probe,
    onStateChange: (state) => changes.push(state),
  });
  return { breaker, changes, probe };
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures only', () => {
    const { breaker } = setup([]);
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.opened).toBe(1);
    breaker.stop();
  });

  it('probes after the wait and closes on a good probe', async () => {
    const { breaker, changes, probe } = setup([true]);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await vi.advanceTimersByTimeAsync(99);
    expect(probe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
    breaker.stop();
  });

  it('waits twice as long after each bad probe, up to the maximum', async () => {
    const { breaker, probe } = setup([false, false, false, true]);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await vi.advanceTimersByTimeAsync(100); // probe 1 fails, next wait 200
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // probe 2 fails, next wait capped at 250
    await vi.advanceTimersByTimeAsync(250); // probe 3 fails, 250 again
    expect(probe).toHaveBeenCalledTimes(3);
    expect(breaker.state).toBe('open');
    await vi.advanceTimersByTimeAsync(250);
    expect(breaker.state).toBe('closed');
    breaker.stop();
  });

  it('ignores failures of deliveries that finish while open, and never opens at threshold 0', () => {
    const { breaker } = setup([]);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.opened).toBe(1);
    breaker.stop();
    const never = createCircuitBreaker({ failureThreshold: 0, openMs: 1, maxOpenMs: 1, probe: () => Promise.resolve(true) });
    for (let i = 0; i < 100; i++) never.recordFailure();
    expect(never.state).toBe('closed');
  });

  it('treats a probe that throws as a bad one', async () => {
    vi.useFakeTimers();
    const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 10, maxOpenMs: 10, probe: () => Promise.reject(new Error('x')) });
    breaker.recordFailure();
    await vi.advanceTimersByTimeAsync(10);
    expect(breaker.state).toBe('open');
    breaker.stop();
  });
});
