export { ConfigError, loadConfig, parseConfig, parseEnv, type LoadedConfig } from './load.js';
export type { Env } from './env.js';
export type { JwtConfig, MqConfig, RetryConfig, SubscriptionConfig, TokenConfig, TopicConfig } from './schema.js';
export { mqConfigSchema } from './schema.js';
export { buildTopology } from './topology.js';
