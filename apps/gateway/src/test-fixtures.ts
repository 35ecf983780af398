// In-process fixtures for the route tests: a fake Publisher (the real one is covered by the
// integration tests in test/gateway against a real broker) and deps built from a config text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@mq/config';
import { newMessageId, type ConnectionState, type OutgoingMessage, type PublishResult, type Publisher } from '@mq/mq';
import { createApp, type AppDeps } from './app.js';
import { createAuthenticator, type JwtAuth } from './auth.js';
import { createLocalRateLimiter } from './local-rate-limiter.js';
import { createMetrics } from './metrics.js';
import { createPublishService } from './publish-service.js';
import { loadTopics } from './topics.js';

/** Records what was published; `answer` decides each publish's outcome. */
export class FakePublisher implements Publisher {
  readonly published: OutgoingMessage[] = [];
  answer: (message: OutgoingMessage) => Promise<void> = () => Promise.resolve();

  async publish(message: OutgoingMessage): Promise<PublishResult> {
    await this.answer(message);
    this.published.push(message);
    return { messageId: message.messageId ?? 'generated' };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export const orderSchema = {
  type: 'object',
  required: ['orderId', 'amount'],
  properties: { orderId: { type: 'string', format: 'uuid' }, amount: { type: 'number', minimum: 0 } },
};

export const defaultConfig = `
topics:
  orders: {exchange: orders, routingKey: order.created, schema: order.json, maxBytes: 1024}
  events: {exchange: events, routingKey: ev, allowRoutingKey: true, maxBytes: 2048}
  images: {exchange: images, routingKey: img, contentTypes: ["image/*"]}
gateway: {batchMaxMessages: 5, batchMaxBytes: 4096, maxInFlight: 4, confirmTimeoutMs: 200, connectWaitMs: 100}
`;

export interface Harness {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  publisher: FakePublisher;
  broker: { state: ConnectionState };
  /** `app.request` from a client address (loopback by default). */
  request(path: string, init?: RequestInit, address?: string): Promise<Response>;
}

/** Builds the app from a config text (files beside it: order.json) and an env for token secrets. */
export function createHarness(configText = defaultConfig, env: NodeJS.ProcessEnv = {}, jwt?: JwtAuth): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  writeFileSync(join(dir, 'order.json'), JSON.stringify(orderSchema));
  const configPath = join(dir, 'mq.yaml');
  const config = parseConfig(configText, configPath);
  const topics = loadTopics({ config, configPath, resolvePath: (p) => join(dir, p) });
  const publisher = new FakePublisher();
  const broker = { state: 'ready' as ConnectionState };
  const metrics = createMetrics(() => broker.state, false);
  const { maxInFlight, confirmTimeoutMs, connectWaitMs, batchMaxBytes, batchMaxMessages } = config.gateway;
  const deps: AppDeps = {
    topics,
    auth: createAuthenticator(config.auth.tokens, env, jwt),
    rateLimiter: createLocalRateLimiter(),
    publish: createPublishService({ publisher, metrics, maxInFlight, deadlineMs: confirmTimeoutMs + connectWaitMs }),
    broker,
    lifecycle: { draining: false },
    metrics,
    limits: { batchMaxBytes, batchMaxMessages },
    logger: { error: () => undefined },
    newMessageId,
  };
  const app = createApp(deps);
  // What the app reads of Node's request: the client address (loopback-only mode) and, after a
  // refusal, whether an unread body is left (never read through Node here).
  const incoming = (init: RequestInit | undefined, address: string) => ({
    socket: { remoteAddress: address },
    method: init?.method ?? 'GET',
    headers: Object.fromEntries(new Headers(init?.headers)),
    readableEnded: false,
  });
  const request = (path: string, init?: RequestInit, address = '127.0.0.1') =>
    Promise.resolve(app.request(path, init, { incoming: incoming(init, address) }));
  return { app, deps, publisher, broker, request };
}

/** A JSON POST. */
export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}
