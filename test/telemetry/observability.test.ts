import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import type { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createMetrics as createConsumerMetrics } from '../../apps/consumer/src/metrics.ts';
import { createMetrics as createGatewayMetrics } from '../../apps/gateway/src/metrics.ts';

// The alert rules and the Grafana dashboard in deploy/observability must parse, and every metric
// and label they select must be one the apps really export: read from the apps' own registries,
// so renaming a metric in an app without updating them fails here.

const DEPLOY = new URL('../../deploy/observability/', import.meta.url);

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Labels Prometheus itself adds to every scraped series (target and Kubernetes discovery). */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'service', 'container', 'endpoint']);

/**
 * Exported series name -> its label names, histograms expanded to _bucket (+le), _sum, _count.
 * Both apps export some metrics under one name (the shared scheme), each with its own labels:
 * a query may use the labels of either, so they are merged.
 */
async function exportedSeries(registries: Registry[]): Promise<Map<string, Set<string>>> {
  const series = new Map<string, Set<string>>();
  const add = (name: string, labels: Iterable<string>) => {
    const known = series.get(name) ?? new Set<string>();
    for (const label of labels) known.add(label);
    series.set(name, known);
  };
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      const labels = (registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] }).labelNames;
      // prom-client's typings say an enum; at run time `type` is the string Prometheus prints.
      if (String(metric.type) === 'histogram') {
        add(`${metric.name}_bucket`, [...labels, 'le']);
        add(`${metric.name}_sum`, labels);
        add(`${metric.name}_count`, labels);
      } else {
        add(metric.name, labels);
      }
    }
  }
  return series;
}

interface Selector {
  metric: string;
  labels: string[];
}

/** Parses PromQL (Grafana's `$__rate_interval` made a plain duration first); throws on a syntax error. */
function selectorsOf(expr: string): { selectors: Selector[]; groupingLabels: string[] } {
  const source = expr.replaceAll('$__rate_interval', '5m');
  const tree = parser.parse(source);
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from} in: ${expr}`);
      if (node.name === 'VectorSelector') {
        const metric = node.node.getChild('Identifier');
        const matchers = node.node.getChild('LabelMatchers');
        const labels = matchers ? matchers.getChildren('UnquotedLabelMatcher').map((m) => m.getChild('LabelName')!) : [];
        if (metric) selectors.push({ metric: source.slice(metric.from, metric.to), labels: labels.map((l) => source.slice(l.from, l.to)) });
      }
      if (node.name === 'GroupingLabels') {
        for (const label of node.node.getChildren('LabelName')) groupingLabels.push(source.slice(label.from, label.to));
      }
    },
  });
  return { selectors, groupingLabels };
}

function checkExpr(expr: string, series: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  const { selectors, groupingLabels } = selectorsOf(expr);
  if (selectors.length === 0) problems.push(`selects no metric: ${expr}`);
  const known = new Set<string>(TARGET_LABELS);
  for (const { metric, labels } of selectors) {
    const exported = series.get(metric);
    if (!exported) {
      problems.push(`${metric} is not exported by the apps`);
      continue;
    }
    for (const label of exported) known.add(label);
    for (const label of labels) if (!exported.has(label) && !TARGET_LABELS.has(label)) problems.push(`${metric} has no label ${label}`);
  }
  for (const label of groupingLabels) if (!known.has(label)) problems.push(`no selected metric has label ${label} (${expr})`);
  return problems;
}

describe('deploy/observability', () => {
  let series: Map<string, Set<string>>;
  beforeAll(async () => {
    const gateway = createGatewayMetrics(() => 'ready', false);
    const consumer = createConsumerMetrics({
      subscriptions: [{ name: 'billing', queue: 'billing.orders', deadLetter: true }],
      status: () => [{ name: 'billing', inFlight: 0, circuit: 'closed' }],
      queueStats: () => Promise.resolve({ messageCount: 0, consumerCount: 1 }),
      connectionState: () => 'ready',
    });
    series = await exportedSeries([gateway.registry, consumer.registry]);
  });

  it('both apps export the shared names and no app-prefixed ones', () => {
    for (const name of ['mq_connection_state', 'mq_in_flight_operations', 'mq_publish_requests_total', 'messaging_client_sent_messages_total']) {
      expect(series.has(name), name).toBe(true);
    }
    expect(series.get('mq_in_flight_operations')).toEqual(new Set(['subscription', 'messaging_operation_name']));
    expect([...series.keys()].filter((name) => /^(gateway|consumer)_/.test(name))).toEqual([]);
  });

  it('the checker catches an unknown metric, an unknown label and a syntax error', () => {
    expect(checkExpr('rate(no_such_metric_total[5m])', series)).toEqual(['no_such_metric_total is not exported by the apps']);
    expect(checkExpr('mq_queue_messages{queue="x"}', series)).toEqual(['mq_queue_messages has no label queue']);
    expect(() => checkExpr('sum(rate(mq_queue_messages[5m])', series)).toThrow(/syntax error/);
  });

  describe('alerts.yaml', () => {
    const file = parseYaml(readFileSync(new URL('alerts.yaml', DEPLOY), 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
    const rules = file.groups.flatMap((group) => group.rules);

    it('is a Prometheus rule file with named, documented alerts', () => {
      expect(file.groups.length).toBeGreaterThan(0);
      const names = rules.map((rule) => rule.alert);
      expect(new Set(names).size).toBe(names.length);
      for (const rule of rules) {
        expect(rule.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
        expect(['warning', 'critical']).toContain(rule.labels?.severity);
        expect(rule.annotations?.summary).toEqual(expect.any(String));
        if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
      }
    });

    it('covers queue growth, dead letters, reconnect storms, open circuits and publish 503s', () => {
      const exprs = rules.map((rule) => rule.expr).join('\n');
      expect(exprs).toMatch(/deriv\(mq_queue_messages/);
      expect(exprs).toMatch(/mq_dead_letter_messages > 0/);
      expect(exprs).toMatch(/changes\(mq_connection_state/);
      expect(exprs).toMatch(/mq_circuit_open/);
      expect(exprs).toMatch(/mq_publish_requests_total\{http_response_status_code="503"\}/);
    });

    it('selects only metrics and labels the apps export', () => {
      const problems = rules.flatMap((rule) => checkExpr(rule.expr, series).map((p) => `${rule.alert}: ${p}`));
      expect(problems).toEqual([]);
    });
  });

  describe('grafana-dashboard.json', () => {
    const dashboard = JSON.parse(readFileSync(new URL('grafana-dashboard.json', DEPLOY), 'utf8')) as {
      uid: string;
      title: string;
      panels: { id: number; type: string; title: string; gridPos: object; targets?: { expr: string; refId: string }[] }[];
      templating: { list: { name: string; definition?: string }[] };
    };

    it('is an importable dashboard: uid, unique panel ids, every panel placed', () => {
      expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(dashboard.title).toEqual(expect.any(String));
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels) expect(panel.gridPos).toMatchObject({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
    });

    it('queries only metrics and labels the apps export', () => {
      const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
      expect(queries.length).toBeGreaterThan(10);
      for (const variable of dashboard.templating.list) {
        if (variable.definition) queries.push({ panel: `$${variable.name}`, expr: variable.definition.replace(/^label_values\((\w+), \w+\)$/, '$1') });
      }
      const problems = queries.flatMap((query) => checkExpr(query.expr, series).map((p) => `${query.panel}: ${p}`));
      expect(problems).toEqual([]);
    });
  });
});
