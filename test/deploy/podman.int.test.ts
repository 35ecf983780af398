import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { parse, parseAllDocuments } from 'yaml';
import { answersAmqp, freePort } from '../../scripts/lib/free-port.ts';
import { deadLetterQueueName, queuesOf, type RetryPolicy } from '@mq/mq';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { APPS, buildAppImage, type BuiltImage } from './lib/app-images.ts';
import { BASE_IMAGE, ensureBaseImage } from './lib/base-image.ts';
import { imageSizesTable, writeImageSizes } from './lib/image-sizes.ts';
import { adaptForKubePlay, type KubePlayPlan } from './lib/kube-play.ts';
import type { K8sObject } from './lib/kustomize.ts';
import { find } from './lib/pods.ts';
import { ensureRabbitmqImage, rabbitmqPod } from './lib/rabbitmq-pod.ts';
import { createPodRunner, type PodRunner } from './lib/pod-runner.ts';
import { setUpPodman, type Podman } from './lib/podman.ts';
import { forgetRun, recordRun, reapDeadRuns } from './lib/podman-reaper.ts';

// The deployment, for real: the three images built with podman from the committed Dockerfiles,
// the rendered local overlay played as two pods (gateway; app + consumer sidecar) with
// `podman kube play` after the small transform in lib/kube-play.ts, on a podman network of the
// test's with a RabbitMQ pod (Debian's rabbitmq-server, lib/rabbitmq-pod.ts) in place of the
// operator's cluster, and the OTLP endpoint at a receiver of the test's on the network's gateway
// address. podman, runc and debootstrap are installed when missing; nothing is skipped: where
// podman cannot work, this file fails.
const suffix = `t${randomUUID().slice(0, 8)}`;
const network = `mq-${suffix}`;
const log = (line: string) => console.log(`[deploy/podman] ${line}`);
const token = 'dev-checkout-token'; // deploy/k8s/overlays/local/dev-secrets.yaml
const objects = renderedLocal();
let podman: Podman;
let amqp: Connection;
let otlp: OtlpReceiver;
let plan: KubePlayPlan;
let pods: PodRunner;
let ports: { gateway: number; consumer: number; rabbitmq: number };
let baseId: string;
const images: BuiltImage[] = [];

function renderedLocal(): K8sObject[] {
  const text = readFileSync(resolve(import.meta.dirname, '../../deploy/k8s/rendered/local.yaml'), 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject).filter(Boolean);
}

/** The subscription's queues (work, delay tiers, dead letters), from the ConfigMap's mq.yaml. */
function subscriptionQueues(): { work: string; retry: string[]; parked: string } {
  const configMap = find(objects, 'ConfigMap', 'mq-config') as K8sObject & { data: Record<string, string> };
  const billing = (parse(configMap.data['mq.yaml']!) as { subscriptions: Record<string, { queue: string; retry: RetryPolicy }> }).subscriptions.billing!;
  const all = queuesOf({ name: billing.queue, retry: billing.retry, deadLetter: true });
  const parked = deadLetterQueueName(billing.queue);
  return { work: billing.queue, retry: all.filter((q) => q !== billing.queue && q !== parked), parked };
}

/** The broker pod first (the apps connect at boot), then the receiver on the network's gateway. */
async function startBroker(): Promise<void> {
  await ensureRabbitmqImage(podman, baseId, log);
  const broker = rabbitmqPod(objects, suffix, ports.rabbitmq);
  await pods.playOwn(broker);
  await vi.waitFor(async () => expect(await answersAmqp(ports.rabbitmq), 'rabbitmq pod answers AMQP').toBe(true), { timeout: 120_000, interval: 500 });
  amqp = new Connection({ url: `amqp://guest:guest@127.0.0.1:${ports.rabbitmq}`, retryLow: 100, retryHigh: 500 });
  amqp.on('error', (error) => log(`test's AMQP connection: ${error.message}`)); // it reconnects
  // The host's address on the pod network: where containers reach a server of the test's.
  const bridgeAddress = (await podman.run(['network', 'inspect', '--format', '{{range .Subnets}}{{.Gateway}}{{end}}', network])).stdout.trim();
  otlp = await startOtlpReceiver(bridgeAddress);
  plan = adaptForKubePlay(objects, {
    suffix,
    ports: { gateway: ports.gateway, consumer: ports.consumer },
    amqpUrl: `amqp://guest:guest@${broker.name}:5672`,
    otlpEndpoint: otlp.url,
    externalSecrets: { 'rabbitmq-default-user': { username: 'guest', password: 'guest' } },
  });
  await pods.createSecrets(plan.secrets);
}

beforeAll(async () => {
  podman = await setUpPodman(log);
  const reaped = await reapDeadRuns(podman);
  if (reaped.length) log(`removed what killed runs left behind: ${reaped.join(', ')}`);
  recordRun(suffix);
  await podman.run(['network', 'create', network]);
  pods = createPodRunner(podman, suffix, network);
  ports = { gateway: await freePort(), consumer: await freePort(), rabbitmq: await freePort() };
}, 600_000);

afterAll(async () => {
  await amqp?.close(); // before its broker's pod goes
  await otlp?.close();
  await pods?.cleanUp();
  await podman?.run(['network', 'rm', '-f', network], { allowFailure: true });
  forgetRun(suffix);
}, 180_000);

const gatewayUrl = () => `http://127.0.0.1:${ports.gateway}`;
const consumerUrl = () => `http://127.0.0.1:${ports.consumer}`;

/**
 * A request to the app, from inside its container: the app listens on 127.0.0.1 of its pod only
 * (as in the cluster, where only the sidecar reaches it).
 */
async function appRequest(path: string, init?: { method: string; body: string }): Promise<{ status: number; body: string }> {
  const script = `fetch('http://127.0.0.1:3000${path}', ${JSON.stringify(init ?? {})})` +
    '.then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))';
  return JSON.parse(await pods.exec(plan.consumer.name, 'app', ['node', '-e', script])) as { status: number; body: string };
}

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
  return JSON.parse((await appRequest('/received?path=/orders')).body) as Delivery[];
}

/** Ready messages in the subscription's queues (passive declares: list_queues lags by the stats interval). */
async function queueDepths(): Promise<{ work: number; retrying: number; parked: number }> {
  const queues = subscriptionQueues();
  const depth = async (names: string[]) => {
    let sum = 0;
    for (const queue of names) sum += (await amqp.queueDeclare({ queue, passive: true })).messageCount;
    return sum;
  };
  return { work: await depth([queues.work]), retrying: await depth(queues.retry), parked: await depth([queues.parked]) };
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
    baseId = await ensureBaseImage(podman, log);
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

  it('plays the two pods beside a RabbitMQ pod; every probe of the manifests answers, every container is uid 1000 on a read-only root', async () => {
    await startBroker();
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
    const slow = await appRequest('/control', { method: 'POST', body: JSON.stringify({ path: '/orders', delayMs: 300 }) });
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
