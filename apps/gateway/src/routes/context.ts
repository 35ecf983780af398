import type { ConnectionState } from '@mq/mq';
import type { Authenticator, Principal } from '../auth.js';
import type { ResolvedContentType } from '../content-type.js';
import type { ErrorLogger } from '../errors.js';
import type { RateLimiter } from '../local-rate-limiter.js';
import type { GatewayMetrics } from '../metrics.js';
import type { PublishService } from '../publish-service.js';
import type { Topic } from '../topics.js';

/** Everything the app needs, built by main.ts (or by a test). */
export interface AppDeps {
  topics: ReadonlyMap<string, Topic>;
  auth: Authenticator;
  /** Per-principal rate limits: in this process, or shared through Redis. */
  rateLimiter: RateLimiter;
  publish: PublishService;
  /** The broker connection's state (an `MqClient` fits). */
  broker: { readonly state: ConnectionState };
  /** Set on SIGTERM: readiness turns off at once. */
  lifecycle: { draining: boolean };
  metrics: GatewayMetrics;
  limits: { batchMaxMessages: number; batchMaxBytes: number };
  logger: ErrorLogger;
  /** Generates sortable, unique message ids. */
  newMessageId: () => string;
}

/** Hono context variables set by the topic guards. */
export interface GatewayEnv {
  Variables: { principal: Principal; topic: Topic; contentType: ResolvedContentType };
}
