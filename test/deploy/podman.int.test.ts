import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { parseAllDocuments } from 'yaml';
import { freePort } from '../../scripts/lib/free-port.ts';
import { startRabbitNode, type RabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { APPS, buildAppImage, type BuiltImage } from './lib/app-images.ts';
import { BASE_IMAGE, ensureBaseImage } from './lib/base-image.ts';
import { imageSizesTable, writeImageSizes } from './lib/image-sizes.ts';
import { adaptForKubePlay, type KubePlayPlan } from './lib/kube-play.ts';
import type { K8sObject } from './lib/kustomize.ts';
import { createPodRunner, type PodRunner } from './lib/pod-runner.ts';
import { setUpPodman, type Podman } from './lib/podman.ts';

// The deployment, for real: the three images built with podman from the committed Dockerfiles,
// the rendered local overlay played as two pods (gateway; app + consumer sidecar) with
// `podman kube play` after the small transform in lib/kube-play.ts, against a private RabbitMQ
// node, with the OTLP endpoint at a receiver of the test's. podman, runc and debootstrap are
// installed when missing; nothing is skipped: where podman cannot work, this file fails.
const suffix = `t${randomUUID().slice(0, 8)}`;
const log = (line: string) => console.log(`[deploy/podman] ${line}`);
const token = 'dev-checkout-token'; // deploy/k8s/overlays/local/dev-secrets.yaml
let podman: Podman;
let rabbit: RabbitNode;
let amqp: Connection;
let otlp: OtlpReceiver;
let plan: KubePlayPlan;
let pods: PodRunner;
let ports: { gateway: number; consumer: number; app: number };
const images: BuiltImage[] = [];

function renderedLocal(): K8sObject[] {
  const text = readFileSync(resolve(import.meta.dirname, '../../deploy/k8s/rendered/local.yaml'), 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject).filter(Boolean);
}

beforeAll(async () => {
  podman = await setUpPodman(log);
  pods = createPodRunner(podman, suffix);
  [rabbit, otlp] = await Promise.all([startRabbitNode({ prefix: 'pod' }), startOtlpReceiver()]);
  amqp = new Connection({ url: rabbit.url, retryLow: 100, retryHigh: 500 });
  ports = { gateway: await freePort(), consumer: await freePort(), app: await freePort() };
  plan = adaptForKubePlay(renderedLocal(), {
    suffix,
    ports,
    amqpUrl: rabbit.url,
    otlpEndpoint: otlp.url,
    externalSecrets: { 'rabbitmq-default-user': { username: 'guest', password: 'guest' } },
  });
  await pods.createSecrets(plan.secrets);
}, 600_000);

afterAll(async () => {
  await pods?.cleanUp();
  await amqp?.close();
  await Promise.all([rabbit?.dispose(), otlp?.close()]);
}, 180_000);

const gatewayUrl = () => `http://127.0.0.1:${ports.gateway}`;
const consumerUrl = () => `http://127.0.0.1:${ports.consumer}`;
const appUrl = () => `http://127.0.0.1:${ports.app}`;

/** Publishes one message; its id when the gateway confirmed it (202), else why not. */
async function publish(body: unknown, headers: Record<string, string> = {}): Promise<{ id: string } | { refusal: string }> {
  const response = await fetch(`${gatewayUrl()}/v1/topics/orders/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).catch((error: unknown) => ({ error: String((error as Error).cause ?? error) }));
  if ('error' in response) return { refusal: response.error };
  const answer = (await response.json().catch(() => ({}))) as { id?: string; code?: string };
  return response.status === 202 && answer.id ? { id: answer.id } : { refusal: `${response.status} ${answer.code ?? ''}` };
}

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

async function received(): Promise<Delivery[]> {
  return (await (await fetch(`${appUrl()}/received?path=/orders`)).json()) as Delivery[];
}

/**
 * Ready messages in the subscription's queues: work, retry tiers, parked. Asked of each queue
 * (a passive declare), not `list_queues`, whose counts lag by the broker's stats interval.
 */
async function queueDepths(): Promise<{ work: number; retrying: number; parked: number }> {
  const names = (JSON.parse(await rabbit.ctl(['list_queues', '-q', '--formatter', 'json', 'name'])) as { name: string }[]).map((q) => q.name);
  const depth = async (match: (name: string) => boolean) => {
    let sum = 0;
    for (const queue of names.filter(match)) sum += (await amqp.queueDeclare({ queue, passive: true })).messageCount;
    return sum;
  };
  return {
    work: await depth((n) => n === 'billing.orders'),
    retrying: await depth((n) => n.startsWith('billing.orders.retry.')),
    parked: await depth((n) => n === 'billing.orders.dlq'),
  };
}

/** Publishes `count` messages, `parallel` at a time; every one must be confirmed. */
async function publishBurst(count: number, parallel: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => publish({ burst: suffix, n: start + i }));
    for (const outcome of await Promise.all(batch)) {
      expect(outcome, 'a burst publish').toHaveProperty('id');
      ids.push((outcome as { id: string }).id);
    }
  }
  return ids;
}

/** ce-ids the app answered 200, from its log lines (they outlive the app's in-memory list). */
function answeredInLog(logText: string): Set<string> {
  return new Set([...logText.matchAll(/^delivery ce-id=(\S+) .* answer=200$/gm)].map((m) => m[1]!));
}

/** Keeps `loops` publishers going until stopped; counts confirms and why the rest were refused. */
function startTraffic(loops: number) {
  const confirmed = new Set<string>();
  const refusals = new Map<string, number>();
  let running = true;
  const loop = async (n: number) => {
    for (let i = 0; running; i++) {
      const outcome = await publish({ load: suffix, loop: n, i });
      if ('id' in outcome) confirmed.add(outcome.id);
      else refusals.set(outcome.refusal, (refusals.get(outcome.refusal) ?? 0) + 1);
      await delay('id' in outcome ? 5 : 50); // pacing only, and no spinning on a gateway that is down
    }
  };
  const done = Promise.all(Array.from({ length: loops }, (_, n) => loop(n)));
  return {
    confirmed,
    refusals,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe('deploy with podman', () => {
  it('builds the three images from the committed Dockerfiles; each runs as uid 1000 on a read-only root filesystem', async () => {
    const baseId = await ensureBaseImage(podman, log);
    for (const app of APPS) images.push(await buildAppImage(podman, app, baseId, log));
    const baseSize = Number((await podman.run(['image', 'inspect', '--format', '{{.Size}}', BASE_IMAGE])).stdout.trim());
    const table = imageSizesTable(images, baseSize);
    log(`image sizes (base ${(baseSize / 1e6).toFixed(0)} MB):\n${table}`);
    for (const image of images) log(`${image.image}: ${image.built ? `built in ${image.seconds.toFixed(0)} s` : 'unchanged inputs, not rebuilt'}`);
    if (writeImageSizes(table)) log('docs/deployment.md: image sizes updated');

    // The image's own user (no --user), a read-only root: who runs, and can it write its code?
    const probe = "const fs=require('fs');let w;try{fs.writeFileSync('/app/x','');w='writable'}catch(e){w=e.code}" +
      ";console.log(JSON.stringify({uid:process.getuid(),gid:process.getgid(),write:w}))";
    for (const image of images) {
      const result = await podman.run(['run', '--rm', '--read-only', '--network', 'none', '--entrypoint', 'node', image.image, '-e', probe]);
      expect(JSON.parse(result.stdout), image.image).toEqual({ uid: 1000, gid: 1000, write: 'EROFS' });
      expect(image.sizeBytes).toBeGreaterThan(baseSize);
    }
  }, 1_500_000);

  it('plays the two pods; every probe of the manifests answers, every container is uid 1000 on a read-only root', async () => {
    await pods.play(plan.consumer);
    await pods.play(plan.gateway);
    for (const pod of [plan.consumer, plan.gateway]) {
      for (const container of pod.containers) {
        const name = `${pod.name}-${container}`;
        const inspect = await podman.run(['inspect', '--format', '{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}', name]);
        expect(inspect.stdout.trim(), name).toBe('true 1000:1000');
        expect((await podman.run(['exec', name, 'id', '-u'])).stdout.trim(), name).toBe('1000');
      }
    }
    expect(plan.consumer.probes.map((p) => `${p.container} ${p.kind}`)).toEqual([
      'consumer startup', 'consumer liveness', 'consumer readiness', 'app liveness', 'app readiness',
    ]);
    for (const probe of [...plan.gateway.probes, ...plan.consumer.probes]) {
      const pod = plan.gateway.probes.includes(probe) ? plan.gateway : plan.consumer;
      expect(await pods.probe(pod, probe), `${probe.container} ${probe.kind}`).toBe(true);
    }
  }, 180_000);

  it('delivers a published message to the app through the sidecar, with its trace id, and exports both apps\' spans', async () => {
    const traceId = randomBytes(16).toString('hex');
    const body = { orderId: suffix, total: 9.99 };
    const outcome = await publish(body, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(outcome).toHaveProperty('id');
    const id = (outcome as { id: string }).id;
    const delivery = await vi.waitFor(async () => {
      const found = (await received()).find((d) => d.headers['ce-id'] === id);
      expect(found, `delivery ${id}`).toBeDefined();
      return found!;
    }, { timeout: 30_000, interval: 200 });
    expect(JSON.parse(delivery.body)).toEqual(body);
    expect(delivery.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(delivery.headers['ce-source']).toBe('/topics/orders');
    // The batch exporters send every few seconds; both pods export to the test's receiver.
    await vi.waitFor(() => {
      const services = new Set(otlp.trace(traceId).map((span) => `${span.service} ${span.kind}`));
      expect([...services].sort()).toEqual(expect.arrayContaining(['consumer CONSUMER', 'gateway PRODUCER', 'gateway SERVER']));
    }, { timeout: 30_000, interval: 500 });
  }, 90_000);

  it('serves the consumer metrics to a scrape', async () => {
    const text = await (await fetch(`${consumerUrl()}/metrics`)).text();
    const done = text.split('\n').find((line) => line.startsWith('messaging_client_consumed_messages_total{') && line.includes('outcome="done"'));
    expect(done, 'a done delivery counted').toBeDefined();
    expect(Number(done!.split(' ').at(-1))).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^mq_connection_state\{.*state="ready".*\} 1$/m);
  });
  it('drains the consumer pod on SIGTERM during a slow burst: exit 0, nothing parked, nothing lost once it is played again', async () => {
    const pod = plan.consumer;
    // The app answers each delivery after 300 ms: 16 in flight (the manifest's concurrency), so a
    // burst of 150 takes about 3 s and the pod is stopped in the middle of it.
    const slow = await fetch(`${appUrl()}/control`, { method: 'POST', body: JSON.stringify({ path: '/orders', delayMs: 300 }) });
    expect(slow.status).toBe(201);
    const before = (await received()).length;
    const ids = await publishBurst(150, 25);
    await vi.waitFor(async () => expect((await received()).length).toBeGreaterThanOrEqual(before + 24), { timeout: 30_000, interval: 100 });
    const { seconds } = await pods.stop(pod);
    expect(await pods.exitCode(pod, 'consumer'), 'consumer exit code').toBe(0);
    expect(await pods.exitCode(pod, 'app'), 'app exit code').toBe(0);
    const consumerLog = await pods.logs(pod, 'consumer');
    expect(consumerLog).toContain('drained, exiting');
    expect(consumerLog).not.toContain('shutdown deadline reached');
    const answered = answeredInLog(await pods.logs(pod, 'app'));
    const atStop = await queueDepths();
    log(`consumer pod stopped in ${seconds.toFixed(1)} s; ${ids.filter((id) => answered.has(id)).length}/${ids.length} answered before, queues then ${JSON.stringify(atStop)}`);
    expect(atStop.parked).toBe(0);

    await pods.remove(pod);
    await pods.play(pod);
    // Every confirmed message was answered by the old app (acked, so not redelivered) or reaches
    // the new one; the queues end empty, so nothing waits unseen.
    await vi.waitFor(async () => {
      const now = new Set((await received()).map((d) => d.headers['ce-id']));
      expect(ids.filter((id) => !answered.has(id) && !now.has(id)), 'not delivered').toEqual([]);
      expect(await queueDepths()).toEqual({ work: 0, retrying: 0, parked: 0 });
    }, { timeout: 90_000, interval: 500 });
    const retried = (await received()).filter((d) => ids.includes(d.headers['ce-id']!) && Number(d.headers['x-delivery-attempt']) > 1);
    log(`after the replay: ${retried.length} of the burst arrived as a retry (attempt > 1)`);
  }, 240_000);

  it('loses no accepted message while the gateway pod restarts under load', async () => {
    const pod = plan.gateway;
    const traffic = startTraffic(4);
    try {
      await vi.waitFor(() => expect(traffic.confirmed.size).toBeGreaterThanOrEqual(100), { timeout: 30_000, interval: 100 });
      const { seconds } = await pods.stop(pod);
      expect(await pods.exitCode(pod, 'gateway'), 'gateway exit code').toBe(0);
      const atStop = traffic.confirmed.size;
      await pods.start(pod);
      await vi.waitFor(() => expect(traffic.confirmed.size).toBeGreaterThanOrEqual(atStop + 100), { timeout: 60_000, interval: 100 });
      log(`gateway pod stopped in ${seconds.toFixed(1)} s; refusals meanwhile: ${JSON.stringify(Object.fromEntries(traffic.refusals))}`);
    } finally {
      await traffic.stop();
    }
    const confirmed = [...traffic.confirmed];
    await vi.waitFor(async () => {
      const now = new Set((await received()).map((d) => d.headers['ce-id']));
      expect(confirmed.filter((id) => !now.has(id)), 'confirmed but not delivered').toEqual([]);
    }, { timeout: 60_000, interval: 500 });
    expect((await queueDepths()).parked).toBe(0);
    log(`gateway restart: ${confirmed.length} confirmed, all delivered`);
  }, 180_000);
});
