// Reading a quantile out of a Prometheus text-format histogram, as `histogram_quantile` would.

/**
 * The `q` quantile (0..1) in seconds of histogram `name`, summed over all its label sets, by
 * linear interpolation inside the bucket (so it is as coarse as the buckets). NaN when absent.
 */
export function histogramQuantile(text: string, name: string, q: number): number {
  const buckets = new Map<number, number>();
  const line = new RegExp(`^${name}_bucket\\{(.*)\\}\\s+([0-9.eE+-]+)$`);
  for (const raw of text.split('\n')) {
    const match = line.exec(raw.trim());
    if (!match) continue;
    const le = /(?:^|,)le="([^"]+)"/.exec(match[1] ?? '')?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let previous: [number, number] = [0, 0];
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return previous[0]; // above the last bucket: its bound is all we know
      const within = count - previous[1];
      return previous[0] + (bound - previous[0]) * (within > 0 ? (rank - previous[1]) / within : 1);
    }
    previous = [bound, count];
  }
  return Number.NaN;
}

/** The value of a gauge or counter, summed over its label sets; NaN when absent. */
export function metricValue(text: string, name: string): number {
  const line = new RegExp(`^${name}(?:\\{.*\\})?\\s+([0-9.eE+-]+)$`);
  let sum = Number.NaN;
  for (const raw of text.split('\n')) {
    const match = line.exec(raw.trim());
    if (match) sum = (Number.isNaN(sum) ? 0 : sum) + Number(match[1]);
  }
  return sum;
}
