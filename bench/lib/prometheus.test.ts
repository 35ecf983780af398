import { describe, expect, it } from 'vitest';
import { histogramQuantile, metricValue } from './prometheus.ts';

const TEXT = `# HELP d_seconds x
# TYPE d_seconds histogram
d_seconds_bucket{subscription="a",le="0.001"} 10
d_seconds_bucket{subscription="a",le="0.01"} 90
d_seconds_bucket{subscription="a",le="0.1"} 100
d_seconds_bucket{subscription="a",le="+Inf"} 100
d_seconds_bucket{subscription="b",le="0.001"} 0
d_seconds_bucket{subscription="b",le="0.01"} 0
d_seconds_bucket{subscription="b",le="0.1"} 100
d_seconds_bucket{subscription="b",le="+Inf"} 100
d_seconds_sum{subscription="a"} 1
other_bucket{le="0.001"} 1000
`;

describe('histogramQuantile', () => {
  it('sums label sets and interpolates inside the bucket', () => {
    // 200 observations: 10 <= 1 ms, 90 <= 10 ms, 200 <= 100 ms. Median rank 100 lies at 10/110 of (0.01, 0.1].
    expect(histogramQuantile(TEXT, 'd_seconds', 0.5)).toBeCloseTo(0.01 + 0.09 * (10 / 110), 6);
    expect(histogramQuantile(TEXT, 'd_seconds', 0.05)).toBeCloseTo(0.001, 6);
  });

  it('is NaN for a histogram that is not there', () => {
    expect(histogramQuantile(TEXT, 'missing_seconds', 0.99)).toBeNaN();
  });
});

describe('metricValue', () => {
  it('reads a plain and a labelled metric, summing label sets', () => {
    const text = 'nodejs_heap_size_used_bytes 1048576\nx_total{a="1"} 2\nx_total{a="2"} 3\nx_total_other 100\n';
    expect(metricValue(text, 'nodejs_heap_size_used_bytes')).toBe(1048576);
    expect(metricValue(text, 'x_total')).toBe(5);
    expect(metricValue(text, 'absent')).toBeNaN();
  });
});
