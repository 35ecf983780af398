import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { validateManifest } from './lib/k8s-schemas.ts';
import { objectKey, renderKustomization, type K8sObject } from './lib/kustomize.ts';
import { allContainers, find, podOf } from './lib/pods.ts';

// Renders each overlay, checks the render equals the one the real kustomize made
// (deploy/k8s/rendered/), validates every object against its schema, and checks the security
// posture and the wiring between objects (selectors, scale targets, scrape ports).
const k8sDir = fileURLToPath(new URL('../../deploy/k8s/', import.meta.url));
const overlays = ['local', 'production'] as const;

function committedRender(overlay: string): K8sObject[] {
  const text = readFileSync(`${k8sDir}rendered/${overlay}.yaml`, 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject);
}

function byKey(objects: K8sObject[]): Record<string, K8sObject> {
  return Object.fromEntries(objects.map((o) => [objectKey(o), o]));
}

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = renderKustomization(`${k8sDir}overlays/${overlay}`);
  const namespace = overlay === 'local' ? 'mq-local' : 'mq';

  it('renders exactly what kubectl kustomize rendered into deploy/k8s/rendered (run render.sh after edits)', () => {
    expect(byKey(objects), 'sources changed: run deploy/k8s/render.sh').toEqual(byKey(committedRender(overlay)));
  });

  it('contains the whole stack', () => {
    expect(objects.map(objectKey).sort()).toEqual(
      expect.arrayContaining([
        `ConfigMap/${namespace}/mq-config`, `Deployment/${namespace}/gateway`, `Service/${namespace}/gateway`,
        `HorizontalPodAutoscaler/${namespace}/gateway`, `PodDisruptionBudget/${namespace}/gateway`,
        `Deployment/${namespace}/consumer`, `ScaledObject/${namespace}/consumer`, `RabbitmqCluster/${namespace}/rabbitmq`,
        `Deployment/${namespace}/jaeger`, `Service/${namespace}/jaeger`, `ServiceMonitor/${namespace}/gateway`,
        `ServiceMonitor/${namespace}/consumer`, `ServiceMonitor/${namespace}/rabbitmq`, `PrometheusRule/${namespace}/mq-alerts`,
      ]),
    );
  });

  it('validates every object against the Kubernetes and CRD schemas, unknown fields included', () => {
    const problems = objects.flatMap((o) => validateManifest(o).map((p) => `${objectKey(o)} ${p}`));
    expect(problems).toEqual([]);
  });

  it('puts every namespaced object in the overlay namespace', () => {
    const stray = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace).map(objectKey);
    expect(stray).toEqual([]);
  });

  it('runs every container non-root, without privilege escalation or capabilities, read-only, with requests and limits', () => {
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      const pod = podOf(deployment);
      expect(pod.securityContext?.runAsNonRoot, deployment.metadata.name).toBe(true);
      for (const container of allContainers(pod)) {
        const where = `${deployment.metadata.name}/${container.name}`;
        expect(container.securityContext, where).toEqual({
          allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
        });
        expect(Object.keys(container.resources?.requests ?? {}).sort(), where).toEqual(['cpu', 'memory']);
        expect(Object.keys(container.resources?.limits ?? {}).sort(), where).toEqual(['cpu', 'memory']);
        expect(container.image, where).toMatch(/:[\w.-]+$/);
      }
    }
  });

  it('selects pods that exist: Services, PDBs and ServiceMonitors match labels and port names', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    const podLabels = (name: string) => (find(objects, 'Deployment', name).spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      const selector = (service.spec as { selector: Record<string, string> }).selector;
      expect(deployments.filter((d) => matches(selector, podLabels(d.metadata.name))), objectKey(service)).toHaveLength(1);
    }
    for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
      expect(matches((pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, podLabels(pdb.metadata.name))).toBe(true);
    }
    for (const name of ['gateway', 'consumer']) {
      const monitor = find(objects, 'ServiceMonitor', name).spec as { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
      const service = find(objects, 'Service', name);
      expect(matches(monitor.selector.matchLabels, service.metadata.labels ?? {})).toBe(true);
      const portNames = (service.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
      expect(portNames).toEqual(expect.arrayContaining(monitor.endpoints.map((e) => e.port)));
    }
  });

  it('scales the gateway on CPU and the consumer on the depth of its work queue', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'gateway').spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'gateway' });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(1);
    const scaled = find(objects, 'ScaledObject', 'consumer').spec as {
      scaleTargetRef: { name: string };
      triggers: { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
    };
    expect(scaled.scaleTargetRef.name).toBe('consumer');
    // the autoscalers own the replica counts: a fixed count would be reset by every re-apply
    expect(find(objects, 'Deployment', 'consumer').spec).not.toHaveProperty('replicas');
    expect(find(objects, 'Deployment', 'gateway').spec).not.toHaveProperty('replicas');
    const [trigger] = scaled.triggers;
    expect(trigger).toMatchObject({ type: 'rabbitmq', metadata: { mode: 'QueueLength', queueName: 'billing.orders' } });
    // KEDA resolves the broker from its own namespace: the host must name ours
    expect(trigger!.metadata.host).toBe(`amqp://rabbitmq.${namespace}.svc:5672/`);
    expect(find(objects, 'TriggerAuthentication', trigger!.authenticationRef.name)).toBeDefined();
  });

  it('carries the alert rules of deploy/observability/alerts.yaml unchanged (render.sh copies them)', () => {
    const rules = parse(readFileSync(`${k8sDir}../observability/alerts.yaml`, 'utf8')) as { groups: unknown[] };
    const deployed = (find(objects, 'PrometheusRule', 'mq-alerts').spec as { groups: unknown[] }).groups;
    expect(deployed, 'alerts.yaml changed: run deploy/k8s/render.sh').toEqual(rules.groups);
  });

  it('runs Jaeger with OTLP on 4317/4318 and the UI on 16686', () => {
    const ports = (find(objects, 'Service', 'jaeger').spec as { ports: { port: number }[] }).ports.map((p) => p.port);
    expect(ports.sort((a, b) => a - b)).toEqual([4317, 4318, 16686]);
  });
});

describe('production overlay', () => {
  const objects = renderKustomization(`${k8sDir}overlays/production`);

  it('runs a 3-node RabbitMQ cluster spread over hosts', () => {
    const spec = find(objects, 'RabbitmqCluster', 'rabbitmq').spec as { replicas: number; affinity: unknown };
    expect(spec.replicas).toBe(3);
    expect(spec.affinity).toHaveProperty('podAntiAffinity');
  });

  it('ships no Secret: tokens and broker credentials are created outside the repository', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('pulls release images from a registry, never a moving tag', () => {
    const images = objects.filter((o) => o.kind === 'Deployment').flatMap((d) => allContainers(podOf(d)).map((c) => c.image));
    expect(images.filter((image) => /:(latest|dev)$/.test(image))).toEqual([]);
  });
});
