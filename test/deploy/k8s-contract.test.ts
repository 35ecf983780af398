import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig, parseEnv } from '@mq/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKustomization } from './lib/kustomize.ts';
import { envValue, expandEnv, find, podOf, probePort, type Container, type PodSpec } from './lib/pods.ts';

// The Kubernetes manifests against CONTRACT.md: ports, probes, env vars and the config file
// are read by the real config loader (@mq/config), and the grace period outlasts the drain.
const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));
const fakeSecrets = { AMQP_USERNAME: 'user', AMQP_PASSWORD: 'secret', CHECKOUT_TOKEN: 't1', OPS_TOKEN: 't2' };

const apps = [
  { name: 'gateway', port: 8080, container: (pod: PodSpec) => pod.containers.find((c) => c.name === 'gateway') },
  { name: 'consumer', port: 8081, container: (pod: PodSpec) => pod.initContainers?.find((c) => c.name === 'consumer') },
] as const;

/** The literal env of a container as the process would see it, secrets filled with fakes. */
function processEnv(container: Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, expandEnv(container, e.name, fakeSecrets) ?? '']));
}

describe.each(['local', 'production'] as const)('overlay %s', (overlay) => {
  const objects = renderKustomization(`${deployDir}k8s/overlays/${overlay}`);
  const mqYaml = (find(objects, 'ConfigMap', 'mq-config').data as Record<string, string>)['mq.yaml'] ?? '';
  const config = parseConfig(mqYaml, 'mq-config/mq.yaml');

  it('ships an mq.yaml that the apps load, the same topology as compose uses', () => {
    expect(config.subscriptions.billing?.queue).toBe('billing.orders');
    expect(parse(mqYaml)).toEqual(parse(readFileSync(`${deployDir}mq.yaml`, 'utf8')));
  });

  describe.each(apps)('$name', ({ name, port, container: pick }) => {
    const pod = podOf(find(objects, 'Deployment', name));
    const container = pick(pod)!;
    const env = processEnv(container);

    it('listens on the contract port, probed on /livez and /readyz', () => {
      expect(container.ports?.map((p) => p.containerPort)).toEqual([port]);
      expect(parseEnv(env, 0).PORT).toBe(port);
      expect(container.livenessProbe?.httpGet?.path).toBe('/livez');
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(probePort(container, container.livenessProbe)).toBe(port);
      expect(probePort(container, container.readinessProbe)).toBe(port);
    });

    it('reads MQ_CONFIG from the mounted ConfigMap', () => {
      const volume = pod.volumes?.find((v) => v.configMap?.name === 'mq-config');
      const mount = container.volumeMounts?.find((m) => m.name === volume?.name);
      expect(envValue(container, 'MQ_CONFIG')).toBe(`${mount?.mountPath}/mq.yaml`);
    });

    it('gets broker credentials and every token from Secrets, never from literals', () => {
      const fromSecret = (variable: string) => container.env?.find((e) => e.name === variable)?.valueFrom?.secretKeyRef;
      expect(fromSecret('AMQP_USERNAME')).toEqual({ name: 'rabbitmq-default-user', key: 'username' });
      expect(fromSecret('AMQP_PASSWORD')).toEqual({ name: 'rabbitmq-default-user', key: 'password' });
      for (const token of config.auth.tokens) expect(fromSecret(token.env), token.env).toEqual({ name: 'mq-tokens', key: token.env });
    });

    it('builds an AMQP_URL the config loader accepts, listing every RabbitMQ node', () => {
      const urls = parseEnv(env, port).AMQP_URL;
      const nodes = (find(objects, 'RabbitmqCluster', 'rabbitmq').spec as { replicas: number }).replicas;
      expect(urls.map((u) => new URL(u).host)).toEqual(
        Array.from({ length: nodes }, (_, i) => `rabbitmq-server-${i}.rabbitmq-nodes:5672`),
      );
      expect(urls.every((u) => u.startsWith('amqp://user:secret@'))).toBe(true);
    });

    it('gives the drain (SHUTDOWN_TIMEOUT_MS) and preStop time to finish before SIGKILL', () => {
      const shutdownMs = parseEnv(env, port).SHUTDOWN_TIMEOUT_MS;
      expect(shutdownMs).toBe(25_000);
      const preStop = container.lifecycle?.preStop?.exec?.command;
      const preStopMs = preStop?.[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(shutdownMs + preStopMs + 5_000);
    });

    it('exports traces to the Jaeger service over OTLP/HTTP', () => {
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
      expect(env.OTEL_SERVICE_NAME).toBe(name);
    });
  });

  it('runs the consumer as a native sidecar next to the app it delivers to', () => {
    const pod = podOf(find(objects, 'Deployment', 'consumer'));
    expect(pod.initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([['consumer', 'Always']]);
    const app = pod.containers.find((c) => c.name === 'app')!;
    const target = new URL((config.subscriptions.billing?.deliver as { url: string }).url);
    expect(target.hostname).toBe('127.0.0.1');
    expect(app.ports?.map((p) => p.containerPort)).toEqual([Number(target.port)]);
    expect(envValue(app, 'PORT')).toBe(target.port);
  });

  it('serves the gateway Service on 8080 to the named container port', () => {
    const ports = (find(objects, 'Service', 'gateway').spec as { ports: { port: number; targetPort: string }[] }).ports;
    expect(ports).toEqual([expect.objectContaining({ port: 8080, targetPort: 'http' })]);
  });
});
