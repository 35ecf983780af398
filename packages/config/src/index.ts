export { ConfigError, loadConfig, parseConfig, parseEnv, type LoadedConfig } from './load.js';
export type { Env } from './env.js';
export type { JwtConfig, MqConfig, RetryConfig, SigningConfig, SubscriptionConfig, TokenConfig, TopicConfig } from './schema.js';
export { mqConfigSchema } from './schema.js';
export { buildTopology } from './topology.js';
export { MAX_DELAY_MS } from './schema.js';
export { parseDuration, parseRfc3339 } from './duration.js';
