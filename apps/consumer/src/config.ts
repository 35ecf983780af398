import { existsSync } from 'node:fs';
import { jwtVerifierFromConfig, type JwtVerifier } from '@mq/auth';
import { ConfigError, type LoadedConfig, type SubscriptionConfig } from '@mq/config';

export type DeliveryTarget =
  | { kind: 'url'; url: string; timeoutMs: number }
  | { kind: 'module'; path: string; timeoutMs: number };

export interface SubscriptionSettings {
  name: string;
  config: SubscriptionConfig;
  target: DeliveryTarget;
}

/** Who may use the admin API: static tokens marked `admin`, JWTs with the admin scope, or loopback clients. */
export type AdminAccess =
  | { kind: 'tokens'; secrets: Map<string, { name: string; admin: boolean }>; jwt?: JwtVerifier }
  | { kind: 'loopback' };

export interface ConsumerSettings {
  subscriptions: SubscriptionSettings[];
  /** Topic name by exchange, for `ce-source`. */
  topicByExchange: Map<string, string>;
  admin: AdminAccess;
  /** Problems worth a warning at boot (e.g. a token whose env var is unset). */
  warnings: string[];
}

/** The consumer's view of the loaded config; throws {@link ConfigError} with one line. */
export function buildSettings(loaded: LoadedConfig, env: NodeJS.ProcessEnv): ConsumerSettings {
  const subscriptions = Object.entries(loaded.config.subscriptions).map(([name, config]) => ({
    name,
    config,
    target: resolveTarget(loaded, name, config),
  }));
  const owner = new Map<string, string>();
  for (const { name, config } of subscriptions) {
    const other = owner.get(config.queue);
    if (other !== undefined) {
      throw new ConfigError(`${loaded.configPath}: subscriptions.${name}.queue: "${config.queue}" is already the queue of subscription "${other}"`);
    }
    owner.set(config.queue, name);
  }
  const topicByExchange = new Map<string, string>();
  for (const [topic, { exchange }] of Object.entries(loaded.config.topics)) {
    if (!topicByExchange.has(exchange)) topicByExchange.set(exchange, topic);
  }
  const warnings: string[] = [];
  if (subscriptions.length === 0) warnings.push(`${loaded.configPath}: no subscriptions: nothing to consume`);
  return { subscriptions, topicByExchange, admin: adminAccess(loaded, env, warnings), warnings };
}

function resolveTarget(loaded: LoadedConfig, name: string, config: SubscriptionConfig): DeliveryTarget {
  const deliver = config.deliver;
  if ('url' in deliver) return { kind: 'url', url: deliver.url, timeoutMs: deliver.timeoutMs };
  const path = loaded.resolvePath(deliver.module);
  if (!existsSync(path)) {
    throw new ConfigError(`${loaded.configPath}: subscriptions.${name}.deliver.module: no such file ${path}`);
  }
  return { kind: 'module', path, timeoutMs: deliver.timeoutMs };
}

/**
 * With tokens in the config, every admin request needs a bearer token (one marked `admin` to
 * be allowed); without any, only loopback clients may use the admin API.
 */
function adminAccess(loaded: LoadedConfig, env: NodeJS.ProcessEnv, warnings: string[]): AdminAccess {
  const tokens = loaded.config.auth.tokens;
  const jwt = jwtVerifierFromConfig(loaded);
  if (tokens.length === 0 && !jwt) return { kind: 'loopback' };
  const secrets = new Map<string, { name: string; admin: boolean }>();
  for (const token of tokens) {
    const secret = env[token.env];
    if (!secret) {
      warnings.push(`auth token "${token.name}": environment variable ${token.env} is unset; the token is disabled`);
      continue;
    }
    secrets.set(secret, { name: token.name, admin: token.admin });
  }
  return { kind: 'tokens', secrets, ...(jwt ? { jwt } : {}) };
}
