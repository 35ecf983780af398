/** The one prom-client method {@link pendingCounts} needs: `Counter.inc(labels, value)`. */
export interface CounterSink<L> {
  inc(labels: L, value: number): void;
}

export interface PendingCounts<L> {
  /** A counter for one label set whose `inc()` is a plain addition. Make one per label set (see `cachedChildren`). */
  child(labels: L): { inc(): void };
  /** Adds what was counted since the last flush to `counter`; call it from the counter's `collect()`. */
  flushInto(counter: CounterSink<L>): void;
}

/**
 * Counts in plain numbers and hands the totals to prom-client when it is scraped. A prom-client
 * counter child still sorts and hashes its labels on every `inc()`; on the publish and delivery
 * paths, which count every message, that showed in profiles (about 1 µs per call). A scrape sees
 * the same totals, since prom-client runs `collect()` before it reads a metric.
 */
export function pendingCounts<L>(): PendingCounts<L> {
  const children: Array<{ labels: L; count: number }> = [];
  return {
    child(labels) {
      const child = { labels, count: 0 };
      children.push(child);
      return {
        inc: () => {
          child.count += 1;
        },
      };
    },
    flushInto(counter) {
      for (const child of children) {
        if (child.count === 0) continue;
        counter.inc(child.labels, child.count);
        child.count = 0;
      }
    },
  };
}
