import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateManifest } from './lib/k8s-schemas.ts';
import { renderKustomization, type K8sObject } from './lib/kustomize.ts';

// The deploy checks are only as good as their tools: these make each one fail on purpose.
const deployment = (container: Record<string, unknown>): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'x' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1', ...container }] } } },
});

describe('validateManifest', () => {
  it('accepts a valid Deployment', () => {
    expect(validateManifest(deployment({ readinessProbe: { httpGet: { path: '/readyz', port: 8080 } } }))).toEqual([]);
  });

  it('rejects a misspelt field that the API server would only warn about', () => {
    expect(validateManifest(deployment({ readinesProbe: {} }))).toEqual([
      '.spec.template.spec.containers[0].readinesProbe: unknown field of V1Container',
    ]);
  });

  it('rejects a wrong type', () => {
    expect(validateManifest(deployment({ ports: [{ containerPort: '8080' }] })).join()).toMatch(/containerPort must be integer/);
  });

  it('rejects a KEDA ScaledObject without a scale target', () => {
    const scaled = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'x' }, spec: { triggers: [] } };
    expect(validateManifest(scaled).join()).toMatch(/scaleTargetRef/);
  });

  it('rejects a RabbitmqCluster field the CRD does not have, and unknown kinds', () => {
    const cluster = { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: { name: 'r' }, spec: { replica: 3 } };
    expect(validateManifest(cluster).join()).toMatch(/additional properties/);
    expect(validateManifest({ apiVersion: 'v9', kind: 'Thing', metadata: { name: 't' } })).toEqual(['v9/Thing: no schema known for this kind']);
  });
});

describe('renderKustomization', () => {
  const root = mkdtempSync(join(tmpdir(), 'kustomize-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('base/kustomization.yaml', 'resources: [app.yaml]\nlabels: [{pairs: {tier: base}}]\n');
  write('base/app.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  replicas: 1\n  template: {spec: {containers: [{name: c, image: "reg:5000/app:old"}], initContainers: [{name: s, image: side}]}}\n');

  it('applies namespace, labels, images and JSON patches from overlay to base', () => {
    write('ok/kustomization.yaml', [
      'namespace: ns', 'resources: [../base]', 'images: [{name: "reg:5000/app", newTag: "2"}, {name: side, newName: r/side, newTag: "3"}]',
      'patches: [{target: {kind: Deployment, name: app}, patch: "[{op: add, path: /spec/paused, value: true}]"}]',
    ].join('\n'));
    const [app] = renderKustomization(join(root, 'ok'));
    expect(app).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'ns', labels: { tier: 'base' } },
      spec: { replicas: 1, paused: true, template: { spec: { containers: [{ name: 'c', image: 'reg:5000/app:2' }], initContainers: [{ name: 's', image: 'r/side:3' }] } } },
    });
  });

  it('fails loudly on a failed test op, a missing target or an unsupported field', () => {
    write('bad-test/kustomization.yaml', 'resources: [../base]\npatches: [{target: {kind: Deployment, name: app}, patch: "[{op: test, path: /spec/replicas, value: 9}]"}]');
    write('bad-target/kustomization.yaml', 'resources: [../base]\npatches: [{target: {kind: Deployment, name: nope}, patch: "[]"}]');
    write('bad-field/kustomization.yaml', 'resources: [../base]\nreplicas: [{name: app, count: 2}]');
    expect(() => renderKustomization(join(root, 'bad-test'))).toThrow(/patch on Deployment\/app/);
    expect(() => renderKustomization(join(root, 'bad-target'))).toThrow(/not found/);
    expect(() => renderKustomization(join(root, 'bad-field'))).toThrow(/replicas/);
  });
});
