// The adaptation of the rendered local overlay (deploy/k8s/rendered/local.yaml) for
// `podman kube play` (podman 4.3, Debian bookworm), so the deploy test runs the very manifests a
// cluster gets. Everything podman does differently from Kubernetes is changed here and only here,
// so the manifests stay plain Kubernetes:
//
// - a Deployment becomes its pod template as a Pod (podman has no controllers; replicas, the
//   HPA and KEDA do not apply), named `<deployment>-<suffix>` so parallel runs never share names;
//   the pod volumes and the ConfigMap get the suffix too (podman makes a named volume of each);
// - a native sidecar (an init container with `restartPolicy: Always`) would block the pod until
//   it exited: it becomes an ordinary container, listed first as it starts first in Kubernetes;
// - each pod has its own network namespace on a podman network, so ports and `deliver.url`
//   (127.0.0.1:3000, the app in the same pod) stay as rendered; the named `http` port of the
//   gateway and of the consumer is published on 127.0.0.1 at a port the test chose (a Service's
//   job in a cluster); the app's port is not published, as in the cluster;
// - probes are taken out and returned, for the test to run (httpGet through the published port,
//   exec with `podman exec`): podman turns probes into healthchecks that need systemd timers and
//   `curl`, neither of which the machine or the slim images have;
// - Secrets are not API objects for podman: each Secret a container refers to (the operator-made
//   `rabbitmq-default-user` included, its values given by the test) is returned as a podman
//   secret to create, renamed with the suffix;
// - `AMQP_URL` points at the test's broker instead of the operator's RabbitmqCluster (podman does
//   not expand `$(VAR)` references, so the URL is given whole), and the OTLP endpoint at the
//   test's receiver instead of the Jaeger pod (neither runs here), or is dropped (tracing off).
import { stringify } from 'yaml';
import type { K8sObject } from './kustomize.ts';
import { find, podOf, probePort, type Container, type PodSpec, type Probe } from './pods.ts';

type Volume = NonNullable<PodSpec['volumes']>[number];

/** What the test supplies in place of what a cluster would. */
export interface KubePlayOptions {
  /** Appended to pod and secret names (`gateway-<suffix>`), unique per run. */
  suffix: string;
  /** Host ports (on 127.0.0.1) the gateway's and the consumer's `http` port are published on. */
  ports: { gateway: number; consumer: number };
  /** The broker both apps use, replacing the RabbitmqCluster's `AMQP_URL`. */
  amqpUrl: string;
  /** OTLP/HTTP endpoint replacing the Jaeger service's; absent = tracing off (the variable is dropped). */
  otlpEndpoint?: string;
  /** Values of Secrets that the cluster's operators would create (`rabbitmq-default-user`). */
  externalSecrets: Record<string, Record<string, string>>;
}

/** A probe of the manifests, to be run by the test against the playing pod. */
export interface PlayProbe {
  container: string;
  kind: 'startup' | 'liveness' | 'readiness';
  /** `http://127.0.0.1:<published port><path>` for an httpGet probe. */
  url?: string;
  /** The command of an exec probe. */
  exec?: string[];
}

/** One pod to `podman kube play`. */
export interface PlayPod {
  /** Pod name; podman names its containers `<pod>-<container>`. */
  name: string;
  /** The YAML to play: the ConfigMaps it mounts, then the Pod. */
  yaml: string;
  /** The manifest's `terminationGracePeriodSeconds`, for `podman pod stop -t`. */
  graceSeconds: number;
  probes: PlayProbe[];
  /** Container names in the manifest (`app`, `consumer`). */
  containers: string[];
}

/** A podman secret: `podman secret create <name>` with `data`, a JSON object of base64 values (as kube play reads it). */
export interface PlaySecret {
  name: string;
  data: string;
}

export interface KubePlayPlan {
  gateway: PlayPod;
  consumer: PlayPod;
  secrets: PlaySecret[];
}

/** Adapts the rendered local overlay's gateway and consumer Deployments for `podman kube play`. */
export function adaptForKubePlay(objects: K8sObject[], options: KubePlayOptions): KubePlayPlan {
  const configMap = adaptConfigMap(find(objects, 'ConfigMap', 'mq-config'), options);
  const secretNames = new Set<string>();
  const pod = (name: 'gateway' | 'consumer', ports: Record<string, number>): PlayPod =>
    adaptDeployment(find(objects, 'Deployment', name), { configMap, options, ports, secretNames });
  const gateway = pod('gateway', { gateway: options.ports.gateway });
  const consumer = pod('consumer', { consumer: options.ports.consumer });
  const secrets = [...secretNames].map((name) => toPodmanSecret(objects, name, options));
  return { gateway, consumer, secrets };
}

interface AdaptContext {
  configMap: K8sObject;
  options: KubePlayOptions;
  /** Container name → the host port its `http` port is published on. */
  ports: Record<string, number>;
  /** Filled with every Secret the pod refers to. */
  secretNames: Set<string>;
}

function adaptDeployment(deployment: K8sObject, context: AdaptContext): PlayPod {
  const template = structuredClone(podOf(deployment));
  const name = `${deployment.metadata.name}-${context.options.suffix}`;
  const sidecars = (template.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  const inits = (template.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always');
  const containers = [...sidecars.map(({ restartPolicy: _, ...c }) => c), ...template.containers];
  const probes = containers.flatMap((c) => probesOf(c, context.ports[c.name]));
  const spec: PodSpec = {
    ...template,
    initContainers: inits.length ? inits : undefined,
    containers: containers.map((c) => adaptContainer(c, context)),
    volumes: template.volumes?.map((v) => adaptVolume(v, context.options.suffix)),
  };
  if (!spec.initContainers) delete spec.initContainers;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: deployment.metadata.labels }, spec };
  const mounted = new Set(spec.volumes?.flatMap((v) => (v.configMap ? [v.configMap.name] : [])));
  const configMaps = mounted.has(context.configMap.metadata.name) ? [context.configMap] : [];
  return {
    name,
    yaml: [...configMaps, pod].map((o) => stringify(o)).join('---\n'),
    graceSeconds: template.terminationGracePeriodSeconds ?? 30,
    probes,
    containers: containers.map((c) => c.name),
  };
}

/**
 * podman makes a named volume per pod volume, named as in the pod (and a ConfigMap's from its
 * content when first made): suffixed, two runs never share one.
 */
function adaptVolume(volume: Volume, suffix: string): Volume {
  const renamed = { ...volume, name: `${volume.name}-${suffix}` };
  if (volume.configMap) renamed.configMap = { ...volume.configMap, name: `${volume.configMap.name}-${suffix}` };
  return renamed;
}

function adaptContainer(container: Container, context: AdaptContext): Container {
  const { livenessProbe: _l, readinessProbe: _r, startupProbe: _s, ...rest } = container;
  const hostPort = context.ports[container.name];
  rest.ports = rest.ports?.map((p) => (p.name === 'http' && hostPort ? { ...p, hostPort, hostIP: '127.0.0.1' } : p));
  const suffix = context.options.suffix;
  rest.volumeMounts = rest.volumeMounts?.map((m) => ({ ...m, name: `${m.name}-${suffix}` }));
  const dropped = context.options.otlpEndpoint === undefined ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : undefined;
  const env = (rest.env ?? []).filter((entry) => entry.name !== dropped).map((entry) => {
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref) {
      context.secretNames.add(ref.name);
      return { name: entry.name, valueFrom: { secretKeyRef: { ...ref, name: `${ref.name}-${context.options.suffix}` } } };
    }
    return { name: entry.name, value: envOverride(entry.name, context.options) ?? entry.value };
  });
  return { ...rest, env };
}

/** The value a variable gets here instead of the manifest's, or undefined to keep it. */
function envOverride(name: string, options: KubePlayOptions): string | undefined {
  switch (name) {
    case 'AMQP_URL': return options.amqpUrl;
    case 'OTEL_EXPORTER_OTLP_ENDPOINT': return options.otlpEndpoint;
    default: return undefined;
  }
}

/** The container's probes; an httpGet probe goes to the host port its container port is published on. */
function probesOf(container: Container, port: number | undefined): PlayProbe[] {
  const kinds: [PlayProbe['kind'], Probe | undefined][] = [
    ['startup', container.startupProbe], ['liveness', container.livenessProbe], ['readiness', container.readinessProbe],
  ];
  return kinds.flatMap(([kind, probe]): PlayProbe[] => {
    if (!probe) return [];
    if (probe.exec) return [{ container: container.name, kind, exec: probe.exec.command }];
    if (!probe.httpGet || port === undefined) throw new Error(`${container.name}: ${kind} probe: only httpGet and exec are supported`);
    const http = container.ports?.find((p) => p.name === 'http')?.containerPort;
    if (probePort(container, probe) !== http) throw new Error(`${container.name}: ${kind} probe: only the published http port can be probed`);
    return [{ container: container.name, kind, url: `http://127.0.0.1:${port}${probe.httpGet.path}` }];
  });
}

/** The ConfigMap as rendered, renamed with the suffix (podman keeps a volume of it by that name). */
function adaptConfigMap(configMap: K8sObject, options: KubePlayOptions): K8sObject {
  return { ...configMap, metadata: { name: `${configMap.metadata.name}-${options.suffix}` } };
}

/** A Secret of the render (or one an operator would make) as podman secret data: `{key: base64}`. */
function toPodmanSecret(objects: K8sObject[], name: string, options: KubePlayOptions): PlaySecret {
  type Secret = K8sObject & { stringData?: Record<string, string>; data?: Record<string, string> };
  const rendered = objects.find((o): o is Secret => o.kind === 'Secret' && o.metadata.name === name);
  const values = rendered ? { ...decode(rendered.data), ...rendered.stringData } : options.externalSecrets[name];
  if (!values) throw new Error(`secret ${name} is neither in the render nor given by the test`);
  const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { name: `${name}-${options.suffix}`, data: JSON.stringify(data) };
}

function decode(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}
