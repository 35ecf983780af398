import { existsSync } from 'node:fs';
import { jwtVerifierFromConfig, type JwtVerifier } from '@mq/auth';
import { ConfigError, type LoadedConfig, type SubscriptionConfig } from '@mq/config';
import { parseSigningSecret } from './delivery/signing.js';

export type DeliveryTarget =
  /** `signingKeys`: the `deliver.signing` keys, in the order their env vars are named. */
  | { kind: 'url'; url: string; timeoutMs: number; signingKeys?: Buffer[] }
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
    target: resolveTarget(loaded, name, config, env),
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

function resolveTarget(loaded: LoadedConfig, name: string, config: SubscriptionConfig, env: NodeJS.ProcessEnv): DeliveryTarget {
  const deliver = config.deliver;
  if ('url' in deliver) {
    const target: DeliveryTarget = { kind: 'url', url: deliver.url, timeoutMs: deliver.timeoutMs };
    if (deliver.signing) target.signingKeys = signingKeys(`${loaded.configPath}: subscriptions.${name}.deliver.signing.env`, deliver.signing.env, env);
    return target;
  }
  const path = loaded.resolvePath(deliver.module);
  if (!existsSync(path)) {
    throw new ConfigError(`${loaded.configPath}: subscriptions.${name}.deliver.module: no such file ${path}`);
  }
  return { kind: 'module', path, timeoutMs: deliver.timeoutMs };
}

/**
 * The keys behind the named env vars, read once at boot. A missing or malformed secret stops the
 * boot rather than delivering unsigned: the app would reject every delivery (or, worse, accept).
 */
function signingKeys(where: string, names: string[], env: NodeJS.ProcessEnv): Buffer[] {
  return names.map((envName) => {
    const secret = env[envName];
    if (!secret) throw new ConfigError(`${where}: environment variable ${envName} is unset`);
    try {
      return parseSigningSecret(secret);
    } catch (error) {
      throw new ConfigError(`${where}: environment variable ${envName} ${(error as Error).message}`);
    }
  });
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
