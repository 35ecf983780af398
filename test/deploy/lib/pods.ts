import type { K8sObject } from './kustomize.ts';

/** The fields of a container the deploy tests look at. */
export interface Container {
  name: string;
  image: string;
  restartPolicy?: string;
  ports?: { name?: string; containerPort: number; hostPort?: number; hostIP?: string }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}

/** A probe: HTTP on a named or numbered port, or a command. */
export interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
}

/** The pod template of a Deployment. */
export interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
}

/** Finds one object by kind and name; throws if absent, so a test fails with a clear message. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not in the render`);
  return found;
}

/** The pod spec of a Deployment. */
export function podOf(deployment: K8sObject): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

/** Every container of a pod, native sidecars (init containers) included. */
export function allContainers(pod: PodSpec): Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/** The literal value of an env var, or undefined when it is absent or comes from a Secret. */
export function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

/** A probe's port as a number, resolving a named port against the container's ports. */
export function probePort(container: Container, probe: Probe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/**
 * Expands Kubernetes' `$(VAR)` references in an env value from the literal values of earlier
 * variables, and from `secrets` for those that come from a Secret (as the kubelet does).
 */
export function expandEnv(container: Container, name: string, secrets: Record<string, string>): string | undefined {
  const known: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    const value = entry.value?.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, v: string) => known[v] ?? ref);
    known[entry.name] = value ?? secrets[entry.name] ?? '';
    if (entry.name === name) return known[entry.name];
  }
  return undefined;
}
