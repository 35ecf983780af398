import { describe, expect, it } from 'vitest';
import { metricLabels, metricNames } from './metric-names.js';

// Prometheus naming rules the dashboards and alert rules rely on.
describe('metricNames', () => {
  it('are valid, unique Prometheus names with unit and _total suffixes where due', () => {
    const names = Object.values(metricNames);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
    expect(names.filter((name) => name.endsWith('_duration_seconds'))).toHaveLength(4);
    expect(metricNames.sentMessages).toBe('messaging_client_sent_messages_total');
  });

  it('labels are valid Prometheus label names', () => {
    for (const label of Object.values(metricLabels)) expect(label).toMatch(/^[a-z_][a-z0-9_]*$/);
  });
});
