import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
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
  ports: { gateway: 18080, consumer: 18081 },
  amqpUrl: 'amqp://guest:guest@127.0.0.1:25672',
  otlpEndpoint: 'http://127.0.0.1:24318',
  externalSecrets: { 'rabbitmq-default-user': { username: 'u', password: 'p' } },
};
const plan = adaptForKubePlay(rendered, options);

function documents(pod: PlayPod): K8sObject[] {
  return parseAllDocuments(pod.yaml).map((doc) => doc.toJS() as K8sObject);
}
function podSpec(pod: PlayPod): PodSpec {
  return find(documents(pod), 'Pod', pod.name).spec as PodSpec;
}
const env = (c: Container, name: string) => c.env?.find((e) => e.name === name);

describe('adaptForKubePlay', () => {
  it('plays each Deployment as its pod template, the http port published on 127.0.0.1 at the given port', () => {
    for (const [pod, deployment, hostPort] of [[plan.gateway, 'gateway', 18080], [plan.consumer, 'consumer', 18081]] as const) {
      expect(pod.name).toBe(`${deployment}-abc`);
      const spec = podSpec(pod);
      expect(spec.containers.flatMap((c) => c.ports ?? []).filter((p) => p.hostPort)).toEqual([
        { name: 'http', containerPort: deployment === 'gateway' ? 8080 : 8081, protocol: 'TCP', hostPort, hostIP: '127.0.0.1' },
      ]);
      const original = podOf(find(rendered, 'Deployment', deployment));
      expect(spec.securityContext).toEqual(original.securityContext);
      expect(pod.graceSeconds).toBe(original.terminationGracePeriodSeconds);
    }
    expect(podSpec(plan.consumer).containers[1]!.ports).toEqual([{ name: 'app', containerPort: 3000, protocol: 'TCP' }]);
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

  it('keeps every variable as rendered but AMQP_URL and the OTLP endpoint, which point at the test', () => {
    const [consumer, app] = podSpec(plan.consumer).containers;
    const gateway = podSpec(plan.gateway).containers[0]!;
    expect(env(gateway, 'AMQP_URL')?.value).toBe(options.amqpUrl);
    expect(env(consumer!, 'AMQP_URL')?.value).toBe(options.amqpUrl);
    expect(env(consumer!, 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value).toBe(options.otlpEndpoint);
    const original = podOf(find(rendered, 'Deployment', 'consumer'));
    const same = (a: Container, b: Container) => {
      const literal = (c: Container) => c.env!.filter((e) => e.value !== undefined && !['AMQP_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'].includes(e.name));
      expect(literal(a)).toEqual(literal(b));
    };
    same(consumer!, original.initContainers![0]!);
    same(app!, original.containers[0]!);
    same(gateway, podOf(find(rendered, 'Deployment', 'gateway')).containers[0]!);
  });

  it('drops the OTLP endpoint when none is given (tracing off)', () => {
    const { otlpEndpoint: _, ...withoutOtlp } = options;
    const gateway = podSpec(adaptForKubePlay(rendered, withoutOtlp).gateway).containers[0]!;
    expect(env(gateway, 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBeUndefined();
  });

  it('mounts the ConfigMap as rendered, renamed with the suffix like the volumes', () => {
    const configMap = find(documents(plan.consumer), 'ConfigMap', 'mq-config-abc') as K8sObject & { data: Record<string, string> };
    expect(configMap.data).toEqual((find(rendered, 'ConfigMap', 'mq-config') as K8sObject & { data: Record<string, string> }).data);
    expect(podSpec(plan.consumer).volumes!.map((v) => v.name)).toEqual(['mq-config-abc', 'tmp-abc']);
    expect(podSpec(plan.consumer).containers[0]!.volumeMounts!.map((m) => m.name)).toEqual(['mq-config-abc', 'tmp-abc']);
  });

  it('returns the probes for the test to run, on the moved ports', () => {
    expect(plan.gateway.probes).toEqual([
      { container: 'gateway', kind: 'startup', url: 'http://127.0.0.1:18080/livez' },
      { container: 'gateway', kind: 'liveness', url: 'http://127.0.0.1:18080/livez' },
      { container: 'gateway', kind: 'readiness', url: 'http://127.0.0.1:18080/readyz' },
    ]);
    const appProbe = plan.consumer.probes.find((p) => p.container === 'app' && p.kind === 'readiness');
    expect(appProbe?.exec).toEqual(podOf(find(rendered, 'Deployment', 'consumer')).containers[0]!.readinessProbe!.exec!.command);
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
