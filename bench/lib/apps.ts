// Starting the processes under test and the baseline servers, each on its own free port.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/lib/free-port.ts';
import { queuesOf } from '@mq/mq';
import { baselinePath } from './baselines.ts';
import type { Cleanup } from './cleanup.ts';
import { imageNodeOptions } from './image-node-options.ts';
import { startNode, waitHttpOk, type BenchProcess } from './processes.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built apps; BENCH_GATEWAY_MAIN / BENCH_CONSUMER_MAIN point at another build to compare. */
export const GATEWAY_MAIN = process.env.BENCH_GATEWAY_MAIN ?? join(REPO_ROOT, 'apps/gateway/dist/main.js');
export const CONSUMER_MAIN = process.env.BENCH_CONSUMER_MAIN ?? join(REPO_ROOT, 'apps/consumer/dist/main.js');

/** A started HTTP process: the process, its base URL and when it first answered ready. */
export interface Server {
  proc: BenchProcess;
  url: string;
  /** Milliseconds from spawn to the first 200 from its readiness URL. */
  readyAfterMs: number;
}

export interface Where {
  tmpDir: string;
  amqpUrl: string;
  /** When given, every server started is stopped by it (a case's `ctx.cleanup`). */
  cleanup?: Cleanup;
}

/** OTLP export to a local sink, or the default: no OTEL_* variable at all (startNode strips inherited ones). */
export function tracingEnv(serviceName: string, otlpUrl: string | undefined): Record<string, string> {
  if (!otlpUrl) return {};
  return {
    OTEL_SERVICE_NAME: serviceName,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
  };
}

/**
 * NODE_OPTIONS for the apps under test only, never the baselines: by default what the app's own
 * image sets (the consumer's caps its old generation, the gateway's does not), so the apps run
 * here as they ship; BENCH_APP_NODE_OPTIONS replaces it for both.
 */
function appNodeOptions(app: 'gateway' | 'consumer'): Record<string, string> {
  return { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS ?? imageNodeOptions(REPO_ROOT, app) };
}

/** Spawns `node <script>` on a free port and waits for `readyPath` to answer 200. */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  where: Where,
  readyPath = '/readyz',
): Promise<Server> {
  const port = await freePort();
  const proc = startNode({
    name: `${name}-${port}`,
    args: [script],
    cwd: REPO_ROOT,
    logDir: where.tmpDir,
    env: { AMQP_URL: where.amqpUrl, PORT: String(port), HOST: '127.0.0.1', ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  where.cleanup?.add(() => proc.stop());
  try {
    const readyAt = await waitHttpOk(proc, url + readyPath, 60_000);
    return { proc, url, readyAfterMs: readyAt - proc.spawnedAt };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** Writes a config file (JSON, which the YAML loader reads too) into the run's temp dir. */
export async function writeConfig(where: Where, name: string, config: object): Promise<string> {
  const path = join(where.tmpDir, `${name}.json`);
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

export interface GatewayOptions {
  topic: string;
  exchange: string;
  routingKey: string;
  otlpUrl?: string;
  /** More environment, e.g. a head sampler (`OTEL_TRACES_SAMPLER`). */
  env?: Record<string, string>;
}

/** The gateway as users run it: `node apps/gateway/dist/main.js` with PORT, MQ_CONFIG, AMQP_URL. */
export async function startGateway(where: Where, options: GatewayOptions): Promise<Server> {
  const config = { topics: { [options.topic]: { exchange: options.exchange, routingKey: options.routingKey } } };
  const path = await writeConfig(where, `gateway-${options.topic}`, config);
  return startServer('gateway', GATEWAY_MAIN, { MQ_CONFIG: path, ...appNodeOptions('gateway'), ...tracingEnv('bench-gateway', options.otlpUrl), ...options.env }, where);
}

/** The retry policy the bench consumers run with: the documented defaults, spelled out. */
export const BENCH_RETRY = { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2 };

/** Every queue the consumer declares for one subscription with {@link BENCH_RETRY}: work, delay tiers, dead letters. */
export function consumerQueues(queue: string): string[] {
  return queuesOf({ name: queue, retry: BENCH_RETRY, deadLetter: true });
}

export interface ConsumerAppOptions {
  topic: string;
  exchange: string;
  routingKey: string;
  queue: string;
  deliver: { url: string; signing?: { env: string[] } } | { module: string };
  prefetch: number;
  concurrency: number;
  otlpUrl?: string;
  /** More environment for the process (e.g. the `deliver.signing` secrets). */
  env?: Record<string, string>;
}

/** The consumer sidecar with one subscription; it declares its queue and binding itself. */
export async function startConsumer(where: Where, options: ConsumerAppOptions): Promise<Server> {
  const config = {
    topics: { [options.topic]: { exchange: options.exchange, routingKey: options.routingKey } },
    subscriptions: {
      bench: {
        queue: options.queue,
        bind: [{ topic: options.topic }],
        deliver: options.deliver,
        prefetch: options.prefetch,
        concurrency: options.concurrency,
        retry: BENCH_RETRY,
        deadLetter: true,
      },
    },
  };
  const path = await writeConfig(where, `consumer-${options.queue}`, config);
  const env = { MQ_CONFIG: path, ...appNodeOptions('consumer'), ...tracingEnv('bench-consumer', options.otlpUrl), ...options.env };
  return startServer('consumer', CONSUMER_MAIN, env, where);
}

/** Writes the no-op in-process handler module for `deliver.module`. */
export async function writeNoopHandler(where: Where): Promise<string> {
  const path = join(where.tmpDir, 'noop-handler.mjs');
  await writeFile(path, 'export default async function handle() {}\n');
  return path;
}

/** Baseline: minimal Hono + `await pub.send()`, publishing to `exchange`. Its route is /publish. */
export function startHonoBaseline(where: Where, exchange: string, routingKey: string): Promise<Server> {
  return startServer('hono-baseline', baselinePath('hono-publish'), { EXCHANGE: exchange, ROUTING_KEY: routingKey }, where);
}

/**
 * Baseline: bare rabbitmq-client consumer with a no-op handler, or with `deliverUrl` one undici
 * POST per message to it.
 */
export function startBareConsumer(
  where: Where, queue: string, prefetch: number, concurrency: number, latency = false, deliverUrl?: string,
): Promise<Server> {
  const env = { QUEUE: queue, PREFETCH: String(prefetch), CONCURRENCY: String(concurrency), LATENCY: latency ? '1' : '0', ...(deliverUrl ? { DELIVER_URL: deliverUrl } : {}) };
  return startServer(deliverUrl ? 'bare-http-consumer' : 'bare-consumer', baselinePath('bare-consumer'), env, where);
}

/** Baseline: amqplib's bare consumer with a no-op handler acking each message, the same prefetch. */
export function startAmqplibConsumer(where: Where, queue: string, prefetch: number): Promise<Server> {
  return startServer('amqplib-consumer', baselinePath('amqplib-consumer'), { QUEUE: queue, PREFETCH: String(prefetch) }, where);
}

/** The local app deliveries go to; GET /stats, POST /reset. */
export function startSinkApp(where: Where): Promise<Server> {
  return startServer('sink-app', baselinePath('sink-app'), {}, where);
}

/** A local OTLP/HTTP receiver that discards what it gets. */
export function startOtlpSink(where: Where): Promise<Server> {
  return startServer('otlp-sink', baselinePath('otlp-sink'), {}, where, '/stats');
}

/** Whether an app has been built (cases that need it are skipped, not failed, when not). */
export function isBuilt(main: string): boolean {
  return existsSync(main);
}

/** GET a JSON endpoint of one of our servers. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as T;
}
