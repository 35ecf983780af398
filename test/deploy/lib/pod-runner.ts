// Plays, probes, stops and removes the pods of a KubePlayPlan with podman, and reads what their
// containers did (exit codes, logs), for test/deploy/podman.int.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import type { PlayPod, PlayProbe, PlaySecret } from './kube-play.ts';
import { PODMAN_DIR, type Podman } from './podman.ts';

/** What the test keeps of a pod it played, for clean-up. */
export interface PodRunner {
  createSecrets(secrets: PlaySecret[]): Promise<void>;
  /** `podman kube play`s the pod on the runner's network and waits until every probe of the manifests passes. */
  play(pod: PlayPod): Promise<void>;
  /** Plays a pod of the test's own (no probes), e.g. the broker. */
  playOwn(pod: { name: string; yaml: string }): Promise<void>;
  /** Runs a command in a container of a pod; rejects on a non-zero exit. */
  exec(podName: string, container: string, command: string[]): Promise<string>;
  /** Runs one probe as the kubelet would: an HTTP GET (2xx/3xx passes) or a command in the container (exit 0). */
  probe(pod: PlayPod, probe: PlayProbe): Promise<boolean>;
  /**
   * Stops the pod in Kubernetes' order: the app containers, then the (former) sidecars, each with
   * SIGTERM and SIGKILL after `terminationGracePeriodSeconds`; the pod's network goes last.
   * (`podman pod stop` alone stops the infra container at the same time, which removes the
   * published ports while the gateway is still draining its clients.)
   */
  stop(pod: PlayPod): Promise<{ seconds: number }>;
  start(pod: PlayPod): Promise<void>;
  /** Removes the pod (its containers and their logs go with it). */
  remove(pod: PlayPod): Promise<void>;
  exitCode(pod: PlayPod, container: string): Promise<number>;
  logs(pod: PlayPod, container: string): Promise<string>;
  /** Removes every pod, secret and volume this runner made. */
  cleanUp(): Promise<void>;
}

/** Every pod plays on `network` (a podman network made with DNS, so pods resolve each other by name). */
export function createPodRunner(podman: Podman, suffix: string, network: string): PodRunner {
  const pods = new Set<string>();
  const secrets = new Set<string>();
  const ctr = (pod: PlayPod, container: string) => `${pod.name}-${container}`;
  const runner: PodRunner = {
    async createSecrets(list) {
      for (const secret of list) {
        const file = join(PODMAN_DIR, `${secret.name}.json`);
        writeFileSync(file, secret.data, { mode: 0o600 });
        secrets.add(secret.name);
        await podman.run(['secret', 'create', secret.name, file]);
      }
    },
    async play(pod) {
      await runner.playOwn(pod);
      await waitForProbes(runner, pod);
    },
    async playOwn(pod) {
      const file = join(PODMAN_DIR, `${pod.name}.yaml`);
      writeFileSync(file, pod.yaml);
      pods.add(pod.name);
      await podman.run(['kube', 'play', '--network', network, file]);
    },
    exec: async (podName, container, command) => (await podman.run(['exec', `${podName}-${container}`, ...command], { timeoutMs: 30_000 })).stdout,
    async probe(pod, probe) {
      if (probe.url) return fetch(probe.url, { signal: AbortSignal.timeout(3000) }).then((r) => r.status < 400, () => false);
      const result = await podman.run(['exec', ctr(pod, probe.container), ...(probe.exec ?? [])], { allowFailure: true, timeoutMs: 10_000 });
      return result.code === 0;
    },
    async stop(pod) {
      const started = Date.now();
      const timeoutMs = (pod.graceSeconds + 30) * 1000;
      for (const container of [...pod.containers].reverse()) {
        await podman.run(['stop', '-t', String(pod.graceSeconds), ctr(pod, container)], { timeoutMs });
      }
      await podman.run(['pod', 'stop', '-t', String(pod.graceSeconds), pod.name], { timeoutMs });
      return { seconds: (Date.now() - started) / 1000 };
    },
    async start(pod) {
      await podman.run(['pod', 'start', pod.name]);
      await waitForProbes(runner, pod);
    },
    async remove(pod) {
      await podman.run(['pod', 'rm', '-f', '-t', '0', pod.name], { allowFailure: true });
      pods.delete(pod.name);
    },
    exitCode: async (pod, container) =>
      Number((await podman.run(['inspect', '--format', '{{.State.ExitCode}}', ctr(pod, container)])).stdout.trim()),
    logs: async (pod, container) => {
      const result = await podman.run(['logs', ctr(pod, container)]);
      return result.stdout + result.stderr;
    },
    async cleanUp() {
      for (const pod of pods) await podman.run(['pod', 'rm', '-f', '-t', '0', pod], { allowFailure: true });
      for (const secret of secrets) await podman.run(['secret', 'rm', secret], { allowFailure: true });
      const volumes = (await podman.run(['volume', 'ls', '--format', '{{.Name}}'], { allowFailure: true })).stdout.split('\n');
      for (const volume of volumes.filter((v) => v.includes(`-${suffix}`))) await podman.run(['volume', 'rm', '-f', volume], { allowFailure: true });
    },
  };
  return runner;
}

/** Startup probes first (the others start counting after them in Kubernetes), then the rest. */
async function waitForProbes(runner: PodRunner, pod: PlayPod): Promise<void> {
  const ordered = [...pod.probes.filter((p) => p.kind === 'startup'), ...pod.probes.filter((p) => p.kind !== 'startup')];
  for (const probe of ordered) {
    const what = `${pod.name}/${probe.container} ${probe.kind} probe (${probe.url ?? probe.exec?.join(' ')})`;
    await vi.waitFor(async () => expect(await runner.probe(pod, probe), what).toBe(true), { timeout: 60_000, interval: 250 });
  }
}
