import { Histogram, type LabelValues } from 'prom-client';

/** One label set's buckets, counted in plain numbers. */
interface Series {
  /** The labels, sorted and serialized: equal label sets share a series. */
  key: string;
  labels: LabelValues<string>;
  /** Per upper bound (not cumulative); the last slot counts values above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

type PromValue = { labels: LabelValues<string>; sharedLabels: LabelValues<string>; value: number; metricName: string };

/**
 * A prom-client histogram whose label children observe with plain arithmetic. prom-client's own
 * child validates and hashes its labels on every `observe()` (about 1 µs per message in a profile
 * of the gateway's publish path, the one histogram observed per message); these find their bucket
 * and add. The registry reads them like any histogram: the same `_bucket`, `_sum` and `_count`
 * series. Make one child per label set (see `cachedChildren`); `labels()` and `observe()` of the
 * base class are not used on the same instance.
 */
export class PlainHistogram<T extends string> extends Histogram<T> {
  readonly #bounds: number[];
  readonly #name: string;
  readonly #help: string;
  // Not a #private field: prom-client's constructor calls reset() before fields are initialized.
  private readonly series: Series[] = [];

  constructor(config: Omit<ConstructorParameters<typeof Histogram<T>>[0], 'buckets'> & { buckets: readonly number[] }) {
    super({ ...config, buckets: [...config.buckets] });
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
    this.#name = config.name;
    this.#help = config.help;
  }

  /** A child for one label set whose `observe()` is a bucket search and three additions. */
  child(labels: LabelValues<T>): { observe(value: number): void } {
    const series = this.#seriesOf(labels);
    const bounds = this.#bounds;
    return {
      observe(value) {
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        series.counts[i]! += 1;
        series.sum += value;
        series.count += 1;
      },
    };
  }

  /** Children of equal labels share one series, as prom-client's do. */
  #seriesOf(labels: LabelValues<T>): Series {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    let series = this.series.find((s) => s.key === key);
    if (!series) {
      series = { key, labels, counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.series.push(series);
    }
    return series;
  }

  override reset(): void {
    super.reset();
    for (const series of this.series ?? []) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }

  /**
   * What prom-client's registry renders (it prefers this method, and the base class's `get()`
   * builds on it): cumulative buckets, +Inf, sum and count per series. Not in prom-client's types.
   */
  getForPromString(): Promise<Awaited<ReturnType<Histogram<T>['get']>>> {
    const values: PromValue[] = [];
    const bucket = `${this.#name}_bucket`;
    for (const series of this.series) {
      if (series.count === 0) continue;
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += series.counts[i]!;
        values.push({ labels: { le }, sharedLabels: series.labels, value: cumulative, metricName: bucket });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: series.labels, value: series.count, metricName: bucket },
        { labels: {}, sharedLabels: series.labels, value: series.sum, metricName: `${this.#name}_sum` },
        { labels: {}, sharedLabels: series.labels, value: series.count, metricName: `${this.#name}_count` },
      );
    }
    return Promise.resolve({ name: this.#name, help: this.#help, type: 'histogram', values, aggregator: 'sum' } as never);
  }
}
