import { serve } from '@hono/node-server';
import { buildTopology, ConfigError, loadConfig } from '@mq/config';
import { describeTlsFailure, MqClient, MqError, newMessageId, type Topology } from '@mq/mq';
import { createLogger, startTelemetry, type Logger, type Telemetry } from '@mq/telemetry';
import type { Server } from 'node:http';
import { setTimeout } from 'node:timers/promises';
import { createApp } from './app.js';
import { createAuthenticator } from './auth.js';
import { loadJwtAuth } from './jwt-auth.js';
import { createRateLimiter } from './rate-limiter.js';
import { answerClientErrors } from './client-error.js';
import { createMetrics } from './metrics.js';
import { createPublishService } from './publish-service.js';
import { installShutdown } from './shutdown.js';
import { loadTopics } from './topics.js';

function configure() {
  const loaded = loadConfig(process.env, 8080);
  const auth = createAuthenticator(loaded.config.auth.tokens, process.env, loadJwtAuth(loaded));
  return { ...loaded, topics: loadTopics(loaded), auth };
}

/**
 * Declares the exchanges, retrying while the broker is unreachable (the gateway stays up and
 * unready); a clash with what the broker has is fatal: exit 1 with one line.
 */
async function declareTopology(client: MqClient, topology: Topology, logger: Logger): Promise<void> {
  for (;;) {
    try {
      await client.declare(topology);
      logger.info({ exchanges: topology.exchanges }, 'topology declared');
      return;
    } catch (err) {
      if (err instanceof MqError && err.code === 'TOPOLOGY_MISMATCH') {
        process.stderr.write(`gateway: cannot declare the topology: ${err.message}\n`);
        process.exit(1);
      }
      if (client.state === 'closed') return;
      logger.warn({ err: (err as Error).message }, 'cannot declare the topology yet; retrying');
      await setTimeout(1000);
    }
  }
}

/**
 * A certificate problem (untrusted, expired, wrong host, client certificate refused) cannot heal
 * by retrying: exit 1 with one line naming it, at boot or at a reconnect, never a plaintext retry.
 */
function stopOnTlsFailure(client: MqClient): void {
  client.on('error', (err) => {
    const failure = describeTlsFailure(err);
    if (!failure) return;
    process.stderr.write(`gateway: TLS to the broker failed: ${failure}\n`);
    process.exit(1);
  });
}

function main(telemetry: Telemetry): void {
  let settings: ReturnType<typeof configure>;
  try {
    settings = configure();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`gateway: bad config: ${err.message}\n`);
    process.exit(1);
  }
  const { env, config, topics, auth } = settings;
  const logger = createLogger('gateway', env.LOG_LEVEL);
  const client = new MqClient({
    urls: env.AMQP_URL,
    connectionName: 'mq-gateway',
    heartbeatSeconds: env.AMQP_HEARTBEAT_S,
    reconnectInitialDelayMs: env.AMQP_RECONNECT_MIN_MS,
    reconnectMaxDelayMs: env.AMQP_RECONNECT_MAX_MS,
    tls: { caFile: env.AMQP_CA_FILE, certFile: env.AMQP_CERT_FILE, keyFile: env.AMQP_KEY_FILE },
    logger,
  });
  stopOnTlsFailure(client);
  const { confirmTimeoutMs, connectWaitMs, maxInFlight, batchMaxBytes, batchMaxMessages } = config.gateway;
  const publisher = client.createPublisher({ appId: 'mq-gateway', confirmTimeoutMs, connectWaitMs, maxInFlight });
  const metrics = createMetrics(() => client.state);
  const publish = createPublishService({ publisher, metrics, maxInFlight, deadlineMs: confirmTimeoutMs + connectWaitMs + 1000 });
  const lifecycle = { draining: false };
  const rateLimiter = createRateLimiter({ redisUrl: env.REDIS_URL, logger, metrics });

  // Ready only once the exchanges are declared: until then /readyz reports "connecting".
  let declared = false;
  const broker = { get state() { return declared ? client.state : ('connecting' as const); } };
  void declareTopology(client, buildTopology(config, { withQueues: false }), logger).then(() => (declared = true));

  const app = createApp({ topics, auth, rateLimiter, publish, broker, lifecycle, metrics, limits: { batchMaxBytes, batchMaxMessages }, logger, newMessageId });
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    logger.info({ port: info.port, host: env.HOST, topics: [...topics.keys()], auth: auth.mode }, 'gateway listening');
  });
  answerClientErrors(server as Server);
  if (auth.mode === 'loopback') logger.warn({}, 'no auth.tokens or auth.jwt configured: serving loopback clients only');
  if (env.REDIS_URL) logger.info({}, 'rate limits are shared across replicas through REDIS_URL');

  installShutdown({
    server,
    lifecycle,
    idle: () => publish.idle(),
    closeBroker: async () => { await publisher.close(); await client.close(); await rateLimiter.close?.(); await telemetry.shutdown(); },
    timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logger,
  });
}

// Tracing first, so every span the app starts reaches the exporter; off unless OTEL_* ask for it.
main(await startTelemetry({ serviceName: 'mq-gateway' }));
