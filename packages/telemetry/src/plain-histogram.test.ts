import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PlainHistogram } from './plain-histogram.js';

const buckets = [0.001, 0.01, 0.1, 1];
const observations: Array<[string, number]> = [['a', 0.0005], ['a', 0.001], ['a', 0.05], ['b', 3], ['a', 0.5], ['b', 0.01]];

function render(make: (registry: Registry) => (topic: string, value: number) => void): Promise<string> {
  const registry = new Registry();
  const observe = make(registry);
  for (const [topic, value] of observations) observe(topic, value);
  return registry.metrics();
}

describe('PlainHistogram', () => {
  it('renders the same exposition as prom-client\'s Histogram for the same observations', async () => {
    const config = { name: 'op_seconds', help: 'Operation time.', labelNames: ['topic'], buckets };
    const expected = await render((registry) => {
      const h = new Histogram({ ...config, registers: [registry] });
      return (topic, value) => h.labels({ topic }).observe(value);
    });
    const actual = await render((registry) => {
      const h = new PlainHistogram({ ...config, registers: [registry] });
      const children = new Map(['a', 'b'].map((topic) => [topic, h.child({ topic })]));
      return (topic, value) => children.get(topic)!.observe(value);
    });
    expect(actual).toBe(expected);
    expect(actual).toContain('op_seconds_bucket{le="0.01",topic="b"} 1');
  });

  it('gives children of equal labels one series, as prom-client does', async () => {
    const registry = new Registry();
    const h = new PlainHistogram({ name: 'op_seconds', help: 'Operation time.', labelNames: ['topic', 'op'], buckets, registers: [registry] });
    h.child({ topic: 'a', op: 'x' }).observe(0.2);
    h.child({ op: 'x', topic: 'a' }).observe(0.3);
    expect(await registry.metrics()).toContain('op_seconds_count{topic="a",op="x"} 2');
  });

  it('reads as a histogram in getMetricsAsJSON and starts from zero after reset()', async () => {
    const registry = new Registry();
    const h = new PlainHistogram({ name: 'op_seconds', help: 'Operation time.', labelNames: ['topic'], buckets, registers: [registry] });
    h.child({ topic: 'a' }).observe(0.2);
    const [metric] = await registry.getMetricsAsJSON();
    expect(metric).toMatchObject({ name: 'op_seconds', type: 'histogram' });
    expect(metric!.values).toContainEqual({ labels: { le: 1, topic: 'a' }, value: 1, metricName: 'op_seconds_bucket', exemplar: undefined });
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('op_seconds_count');
  });
});
