/** Seconds the rate is averaged over: smooth enough to read, recent enough to follow a change. */
const WINDOW_S = 5;

/**
 * Deliveries per second per subscription over the last few whole seconds, from the outcomes the
 * worker reports (done, retried, parked...). Kept in per-second buckets: no timers, constant memory.
 */
export class DeliveryRate {
  readonly #buckets = new Map<string, { second: number; counts: number[] }>();

  constructor(private readonly now: () => number = Date.now) {}

  record(subscription: string): void {
    const state = this.#advance(subscription);
    state.counts[state.counts.length - 1]!++;
  }

  perSecond(subscription: string): number {
    const state = this.#advance(subscription);
    const whole = state.counts.slice(0, -1); // the current second is not over yet
    return whole.reduce((a, b) => a + b, 0) / WINDOW_S;
  }

  #advance(subscription: string) {
    const second = Math.floor(this.now() / 1000);
    let state = this.#buckets.get(subscription);
    if (!state) {
      state = { second, counts: new Array<number>(WINDOW_S + 1).fill(0) };
      this.#buckets.set(subscription, state);
    }
    const elapsed = Math.min(second - state.second, WINDOW_S + 1);
    for (let i = 0; i < elapsed; i++) {
      state.counts.shift();
      state.counts.push(0);
    }
    state.second = second;
    return state;
  }
}
