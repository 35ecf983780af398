import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { argsOf, parseDockerStages } from './lib/dockerfile-stages.ts';
import { renderKustomization } from './lib/kustomize.ts';
import { allContainers, envValue, find, podOf } from './lib/pods.ts';

// The consumer's heap policy lives in its image (ENV NODE_OPTIONS); the Kubernetes container
// spells it out too. They must agree, and the container's memory limit must hold what the flags
// let V8 take plus Node itself and off-heap message bodies, or the pod is OOM-killed first.
const root = new URL('../../', import.meta.url);
const k8sDir = fileURLToPath(new URL('deploy/k8s/', root));

/** Node's own RSS before any heap growth (code, native allocations): the consumer starts at ~100 MB. */
const NODE_ITSELF_MB = 100;
/** Room for Buffers outside the V8 heap: in-flight message bodies (prefetch x body size) and sockets. */
const OFF_HEAP_MARGIN_MB = 64;

function imageNodeOptions(): string {
  const runtime = parseDockerStages(readFileSync(new URL('apps/consumer/Dockerfile', root), 'utf8')).at(-1)!;
  const env = argsOf(runtime, 'ENV').find((args) => args.startsWith('NODE_OPTIONS='));
  if (env === undefined) throw new Error('apps/consumer/Dockerfile sets no NODE_OPTIONS');
  return env.slice('NODE_OPTIONS='.length).replace(/^"(.*)"$/, '$1');
}

function flagMb(options: string, flag: string): number {
  const match = new RegExp(`--${flag}=(\\d+)`).exec(options);
  if (!match) throw new Error(`no --${flag} in "${options}"`);
  return Number(match[1]);
}

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

describe('consumer memory policy', () => {
  const options = imageNodeOptions();

  it('caps both V8 generations in the image', () => {
    expect(flagMb(options, 'max-semi-space-size')).toBeGreaterThan(0);
    expect(flagMb(options, 'max-old-space-size')).toBeGreaterThan(0);
  });

  describe.each(['local', 'production'])('overlay %s', (overlay) => {
    const pod = podOf(find(renderKustomization(`${k8sDir}overlays/${overlay}`), 'Deployment', 'consumer'));
    const container = allContainers(pod).find((c) => c.name === 'consumer')!;

    it('runs the consumer container with the image\'s NODE_OPTIONS', () => {
      expect(envValue(container, 'NODE_OPTIONS')).toBe(options);
    });

    it('gives it a memory limit above what those flags let the process hold', () => {
      // Young generation: two semi-spaces plus as much again for new large objects.
      const heapMb = flagMb(options, 'max-old-space-size') + 4 * flagMb(options, 'max-semi-space-size');
      expect(mebibytes(container.resources!.limits!.memory!)).toBeGreaterThanOrEqual(heapMb + NODE_ITSELF_MB + OFF_HEAP_MARGIN_MB);
    });
  });
});
