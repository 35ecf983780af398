import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { adaptForKubePlay, type KubePlayOptions, type PlayPod } from './lib/kube-play.ts';
import type { K8sObject } from './lib/kustomize.ts';
import { find, podOf, type Container, type PodSpec } from './lib/pods.ts';

// The podman adaptation changes only what podman 4.3 does differently (lib/kube-play.ts says
// what and why); everything else of the rendered local overlay must reach the pods as rendered.
const rendered = parseAllDocuments(readFileSync(resolve(import.meta.dirname, '../../deploy/k8s/rendered/local.yaml'), 'utf8'))
  .map((doc) => doc.toJS() as K8sObject)
  .filter(Boolean);
const options: KubePlayOptions = {
  suffix: 'abc',
  ports: { gateway: 18080, consumer: 18081, app: 13000 },
  amqpUrl: 'amqp://guest:guest@127.0.0.1:25672',
  otlpEndpoint: 'http://127.0.0.1:24318',
  externalSecrets: { 'rabbitmq-default-user': { username: 'u', password: 'p' } },
};
const plan = adaptForKubePlay(rendered, options);

function documents(pod: PlayPod): K8sObject[] {
  return parseAllDocuments(pod.yaml).map((doc) => doc.toJS() as K8sObject);
}
function podSpec(pod: PlayPod): PodSpec & { hostNetwork?: boolean } {
  return find(documents(pod), 'Pod', pod.name).spec as PodSpec;
}
const env = (c: Container, name: string) => c.env?.find((e) => e.name === name);

describe('adaptForKubePlay', () => {
  it('plays each Deployment as its pod template, on the host network without port mappings', () => {
    for (const [pod, deployment] of [[plan.gateway, 'gateway'], [plan.consumer, 'consumer']] as const) {
      expect(pod.name).toBe(`${deployment}-abc`);
      const spec = podSpec(pod);
      expect(spec.hostNetwork).toBe(true);
      expect(spec.containers.flatMap((c) => c.ports ?? [])).toEqual([]);
      const original = podOf(find(rendered, 'Deployment', deployment));
      expect(spec.securityContext).toEqual(original.securityContext);
      expect(pod.graceSeconds).toBe(original.terminationGracePeriodSeconds);
    }
  });

  it('turns the native sidecar into the first plain container, keeping everything but restartPolicy', () => {
    const spec = podSpec(plan.consumer);
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers.map((c) => c.name)).toEqual(['consumer', 'app']);
    expect(spec.containers[0]!.restartPolicy).toBeUndefined();
    const original = podOf(find(rendered, 'Deployment', 'consumer')).initContainers![0]!;
    expect(spec.containers[0]!.securityContext).toEqual(original.securityContext);
    expect(spec.containers[0]!.resources).toEqual(original.resources);
    expect(spec.containers[0]!.image).toBe(original.image);
  });

  it('moves ports to the given ones, binds loopback, and points AMQP and OTLP at the test', () => {
    const [consumer, app] = podSpec(plan.consumer).containers;
    const gateway = podSpec(plan.gateway).containers[0]!;
    expect([gateway, consumer!, app!].map((c) => env(c, 'PORT')?.value)).toEqual(['18080', '18081', '13000']);
    expect([gateway, consumer!, app!].map((c) => env(c, 'HOST')?.value)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(env(gateway, 'AMQP_URL')?.value).toBe(options.amqpUrl);
    expect(env(consumer!, 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value).toBe(options.otlpEndpoint);
    expect(env(consumer!, 'NODE_OPTIONS')?.value).toBe('--max-semi-space-size=16 --max-old-space-size=160');
  });

  it('changes only the app port in the ConfigMap the consumer pod mounts', () => {
    const configMap = find(documents(plan.consumer), 'ConfigMap', 'mq-config-abc') as K8sObject & { data: Record<string, string> };
    const original = (find(rendered, 'ConfigMap', 'mq-config') as K8sObject & { data: Record<string, string> }).data['mq.yaml']!;
    expect(configMap.data['mq.yaml']).toBe(original.replace('http://127.0.0.1:3000/orders', 'http://127.0.0.1:13000/orders'));
    expect(parse(configMap.data['mq.yaml']!).subscriptions.billing.deliver.url).toBe('http://127.0.0.1:13000/orders');
    const volumes = podSpec(plan.consumer).volumes!;
    expect(volumes.map((v) => v.name)).toEqual(['mq-config-abc', 'tmp-abc']);
    expect(podSpec(plan.consumer).containers[0]!.volumeMounts!.map((m) => m.name)).toEqual(['mq-config-abc', 'tmp-abc']);
  });

  it('returns the probes for the test to run, on the moved ports', () => {
    expect(plan.gateway.probes).toEqual([
      { container: 'gateway', kind: 'startup', url: 'http://127.0.0.1:18080/livez' },
      { container: 'gateway', kind: 'liveness', url: 'http://127.0.0.1:18080/livez' },
      { container: 'gateway', kind: 'readiness', url: 'http://127.0.0.1:18080/readyz' },
    ]);
    const appProbe = plan.consumer.probes.find((p) => p.container === 'app' && p.kind === 'readiness');
    expect(appProbe?.exec?.join(' ')).toContain("fetch('http://127.0.0.1:13000/livez')");
    for (const pod of [plan.gateway, plan.consumer]) {
      for (const c of podSpec(pod).containers) expect([c.livenessProbe, c.readinessProbe, c.startupProbe]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('makes podman secrets of the Secrets the containers read, the operator-made one from the given values', () => {
    const secrets = Object.fromEntries(plan.secrets.map((s) => [s.name, JSON.parse(s.data) as Record<string, string>]));
    const decoded = (name: string) => Object.fromEntries(Object.entries(secrets[name]!).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(Object.keys(secrets).sort()).toEqual(['mq-tokens-abc', 'rabbitmq-default-user-abc']);
    expect(decoded('mq-tokens-abc')).toEqual({ CHECKOUT_TOKEN: 'dev-checkout-token', OPS_TOKEN: 'dev-ops-token' });
    expect(decoded('rabbitmq-default-user-abc')).toEqual({ username: 'u', password: 'p' });
    const refs = podSpec(plan.gateway).containers[0]!.env!.flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : []));
    expect(new Set(refs)).toEqual(new Set(['rabbitmq-default-user-abc', 'mq-tokens-abc']));
  });

  it('fails on a Secret that is neither rendered nor given', () => {
    expect(() => adaptForKubePlay(rendered, { ...options, externalSecrets: {} })).toThrow(/rabbitmq-default-user/);
  });
});
