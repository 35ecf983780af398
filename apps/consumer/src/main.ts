import { hostname } from 'node:os';
import { serve } from '@hono/node-server';
import { buildTopology, ConfigError, loadConfig, type Env, type LoadedConfig } from '@mq/config';
import { delayQueueNames, describeTlsFailure, MemoryDedupStore, MqClient, MqError, queuesOf, RedisDedupStore, type DedupStore } from '@mq/mq';
import { createLogger, startTelemetry, type Logger } from '@mq/telemetry';
import type { Hono } from 'hono';
import type { Dispatcher } from 'undici';
import { DeliveryRate } from './admin/delivery-rate.js';
import type { AdminSubscription } from './admin/routes.js';
import { createApp } from './app.js';
import { buildSettings, type ConsumerSettings } from './config.js';
import { createDeliveryAgent } from './delivery/http.js';
import { createTarget } from './delivery/targets.js';
import { createMetrics } from './metrics.js';
import { installShutdown } from './shutdown.js';
import { createWorker, type WorkerSubscription } from './worker.js';

/** Reads config or exits 1 with the one line that says what is wrong and where. */
function readConfig(): { loaded: LoadedConfig; settings: ConsumerSettings } {
  try {
    const loaded = loadConfig(process.env, 8081);
    return { loaded, settings: buildSettings(loaded, process.env) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`config error: ${error.message}`);
    process.exit(1);
  }
}

async function workerSubscriptions(settings: ConsumerSettings, dispatcher: Dispatcher): Promise<WorkerSubscription[]> {
  try {
    return await Promise.all(
      settings.subscriptions.map(async (sub) => ({
        name: sub.name,
        queue: sub.config.queue,
        prefetch: sub.config.prefetch,
        concurrency: sub.config.concurrency,
        dedupWindowMs: sub.config.dedupWindowMs,
        timeoutMs: sub.target.timeoutMs,
        circuit: sub.config.circuitBreaker,
        ...(await createTarget(sub, { dispatcher, topicByExchange: settings.topicByExchange })),
      })),
    );
  } catch (error) {
    console.error(`config error: ${(error as Error).message}`);
    process.exit(1);
  }
}

/** Declares the topology, retrying while the broker is unreachable; a clash is fatal. */
async function declare(client: MqClient, loaded: LoadedConfig, logger: Logger, stopping: () => boolean): Promise<void> {
  while (!stopping()) {
    try {
      await client.declare(buildTopology(loaded.config, { withQueues: true }));
      return;
    } catch (error) {
      if (error instanceof MqError && error.code === 'TOPOLOGY_MISMATCH') {
        console.error(`topology error: ${error.message}`);
        process.exit(1);
      }
      if (stopping()) return;
      logger.warn({ err: error }, 'cannot declare the topology yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** A certificate problem cannot heal by retrying: exit 1 with one line (never a plaintext retry). */
function createClient(env: Env, logger: Logger): MqClient {
  const client = new MqClient({
    urls: env.AMQP_URL,
    connectionName: `mq-consumer@${hostname()}`,
    heartbeatSeconds: env.AMQP_HEARTBEAT_S,
    reconnectInitialDelayMs: env.AMQP_RECONNECT_MIN_MS,
    reconnectMaxDelayMs: env.AMQP_RECONNECT_MAX_MS,
    tls: { caFile: env.AMQP_CA_FILE, certFile: env.AMQP_CERT_FILE, keyFile: env.AMQP_KEY_FILE },
    logger,
  });
  client.on('error', (error) => {
    const failure = describeTlsFailure(error);
    if (!failure) return;
    console.error(`consumer: TLS to the broker failed: ${failure}`);
    process.exit(1);
  });
  return client;
}

function listen(app: Hono, env: Env, logger: Logger): void {
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    logger.info({ port: info.port, host: env.HOST }, 'consumer listening (health, metrics, admin API)');
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`cannot listen on ${env.HOST}:${env.PORT}: ${error.code ?? error.message}`);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  const { loaded, settings } = readConfig();
  const { env } = loaded;
  const telemetry = await startTelemetry({ serviceName: 'mq-consumer' });
  const logger = createLogger('consumer', env.LOG_LEVEL);
  for (const warning of settings.warnings) logger.warn({}, warning);
  if (settings.admin.kind === 'loopback') logger.warn({}, 'no auth tokens configured: the admin API serves loopback clients only');

  const dispatcher = createDeliveryAgent();
  const subscriptions = await workerSubscriptions(settings, dispatcher);
  const client = createClient(env, logger);
  const dedup: DedupStore = env.REDIS_URL ? new RedisDedupStore({ url: env.REDIS_URL }) : new MemoryDedupStore();
  const adminSubscriptions = subscriptions.map((s) => adminSubscription(settings, s.name, s.queue));
  const rate = new DeliveryRate();
  const metrics = createMetrics({
    subscriptions: adminSubscriptions,
    status: () => worker.status(),
    queueStats: (queue) => client.queueStats(queue),
    connectionState: () => client.state,
    delayQueues: delayQueueNames(buildTopology(loaded.config, { withQueues: false }).maxDelayMs),
  });
  const worker = createWorker({
    client, subscriptions, dedup, logger,
    onOutcome: (name, event) => {
      metrics.recordOutcome(name, event);
      rate.record(name);
    },
    onAckFailure: (name) => metrics.recordAckFailure(name),
  });
  const shutdown = installShutdown({
    timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logger,
    stop: async (budgetMs) => {
      await worker.close(budgetMs);
      await client.close();
      await Promise.allSettled([dedup.close?.(), dispatcher.close(), telemetry.shutdown()]);
    },
  });
  const app = createApp({
    connectionState: () => client.state,
    status: () => worker.status(),
    consuming: () => worker.started,
    draining: () => shutdown.draining,
    registry: metrics.registry,
    subscriptions: adminSubscriptions,
    deadLetters: client.deadLetters(),
    queueStats: (queue) => client.queueStats(queue),
    rate,
    admin: settings.admin,
    logError: (error) => logger.error({ err: error }, 'admin request failed'),
  });
  listen(app, env, logger);

  await declare(client, loaded, logger, () => shutdown.draining);
  if (shutdown.draining) return;
  worker.start();
  logger.info({ subscriptions: subscriptions.map((s) => `${s.name} <- ${s.queue}`) }, 'consuming');
}

/** What the admin API and the console know of a subscription: its queues, from the same naming as the topology. */
function adminSubscription(settings: ConsumerSettings, name: string, queue: string): AdminSubscription {
  const config = settings.subscriptions.find((s) => s.name === name)?.config;
  const deadLetter = config?.deadLetter ?? false;
  const retryQueues = config
    ? queuesOf({ name: queue, retry: config.retry, deadLetter: false })
        .slice(1)
        .map((retryQueue) => ({ delayMs: Number(retryQueue.slice(`${queue}.retry.`.length)), queue: retryQueue }))
    : [];
  return { name, queue, deadLetter, retryQueues };
}

await main();
