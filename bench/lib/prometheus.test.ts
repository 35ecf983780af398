import { describe, expect, it } from 'vitest';
import { histogramQuantile } from './prometheus.ts';

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
