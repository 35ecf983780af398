import type { Probe } from './delivery/types.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; 0 = never open. */
  failureThreshold: number;
  /** First wait before probing; doubles after each failed probe. */
  openMs: number;
  maxOpenMs: number;
  /** Asked after each wait; true closes the circuit. */
  probe: Probe;
  /** Called on every change; the worker pauses and resumes consuming here. */
  onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

export interface CircuitBreaker {
  readonly state: CircuitState;
  /** Times the circuit opened since start. */
  readonly opened: number;
  recordSuccess(): void;
  recordFailure(): void;
  /** Stops probing (shutdown). */
  stop(): void;
}

/**
 * Closed: deliveries flow, consecutive failures are counted. Open: the owner stops taking
 * deliveries; after a wait the target is probed (half-open) without spending any message's
 * attempts. A good probe closes the circuit; a bad one opens it again for twice as long.
 * Results of deliveries that were already running while open do not change the state.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  let state: CircuitState = 'closed';
  let failures = 0;
  let opened = 0;
  let waitMs = options.openMs;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const setState = (next: CircuitState) => {
    const previous = state;
    state = next;
    if (previous !== next) options.onStateChange?.(next, previous);
  };

  const open = () => {
    setState('open');
    timer = setTimeout(() => void probe(), waitMs);
    timer.unref();
  };

  const probe = async () => {
    setState('half-open');
    const ok = await options.probe().catch(() => false);
    if (stopped) return;
    if (ok) {
      failures = 0;
      waitMs = options.openMs;
      setState('closed');
    } else {
      waitMs = Math.min(waitMs * 2, options.maxOpenMs);
      open();
    }
  };

  return {
    get state() {
      return state;
    },
    get opened() {
      return opened;
    },
    recordSuccess() {
      if (state === 'closed') failures = 0;
    },
    recordFailure() {
      if (state !== 'closed' || options.failureThreshold === 0 || stopped) return;
      failures += 1;
      if (failures < options.failureThreshold) return;
      opened += 1;
      open();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
