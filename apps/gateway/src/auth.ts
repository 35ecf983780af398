import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError, type TokenConfig } from '@mq/config';
import { ProblemError } from './errors.js';
import { TokenBucket } from './rate-limit.js';

/** Who is calling: a configured token, or a loopback client when no tokens are configured. */
export interface Principal {
  name: string;
  /** Topics it may publish to; `'*'` for loopback clients without auth. */
  topics: ReadonlySet<string> | '*';
  rateLimit?: TokenBucket;
}

interface TokenEntry extends Principal {
  digest: Buffer;
}

/** Authenticates requests; built once at boot from `auth.tokens`. */
export interface Authenticator {
  /** `tokens` when bearer tokens are configured, else `loopback`. */
  readonly mode: 'tokens' | 'loopback';
  authenticate(authorization: string | undefined, clientAddress: string | undefined): Principal;
}

const challenge = { 'www-authenticate': 'Bearer' };
const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Reads each token's secret from its environment variable; a missing one is a {@link ConfigError}
 * (a token that can never match is a misconfiguration, not an open door).
 */
export function createAuthenticator(tokens: TokenConfig[], env: NodeJS.ProcessEnv): Authenticator {
  const entries: TokenEntry[] = tokens.map((token, i) => {
    const secret = env[token.env];
    if (!secret) throw new ConfigError(`auth.tokens.${i} (${token.name}): environment variable ${token.env} is not set`);
    return {
      name: token.name,
      topics: new Set(token.publish),
      digest: digest(secret),
      rateLimit: token.rateLimit ? new TokenBucket(token.rateLimit, token.rateLimit * 2) : undefined,
    };
  });
  if (entries.length === 0) return { mode: 'loopback', authenticate: authenticateLoopback };
  return { mode: 'tokens', authenticate: (header) => authenticateBearer(entries, header) };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const loopbackPrincipal: Principal = { name: 'loopback', topics: '*' };

function authenticateLoopback(_header: string | undefined, clientAddress: string | undefined): Principal {
  if (clientAddress && LOOPBACK.test(clientAddress)) return loopbackPrincipal;
  throw new ProblemError(403, 'LOOPBACK_ONLY', 'no auth tokens are configured, so only loopback clients may publish');
}

function authenticateBearer(entries: TokenEntry[], header: string | undefined): Principal {
  const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!match?.[1]) {
    throw new ProblemError(401, 'MISSING_TOKEN', 'send Authorization: Bearer <token>', { headers: challenge });
  }
  const presented = digest(match[1]);
  // Compare against every entry, in constant time, so timing reveals neither a prefix nor which one.
  let found: TokenEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.digest, presented) && !found) found = entry;
  }
  if (!found) throw new ProblemError(401, 'INVALID_TOKEN', 'the bearer token is not valid', { headers: challenge });
  return found;
}

/** Throws 403 unless the principal may publish to the topic. */
export function authorizeTopic(principal: Principal, topic: string): void {
  if (principal.topics !== '*' && !principal.topics.has(topic)) {
    throw new ProblemError(403, 'TOPIC_FORBIDDEN', `token "${principal.name}" may not publish to topic "${topic}"`);
  }
}

/** Throws 429 with `Retry-After` when the principal is over its rate. */
export function enforceRateLimit(principal: Principal): void {
  const waitSeconds = principal.rateLimit?.take() ?? 0;
  if (waitSeconds > 0) {
    throw new ProblemError(429, 'RATE_LIMITED', `token "${principal.name}" is over its rate limit`, { retryAfterSeconds: waitSeconds });
  }
}

/** The connecting socket's address (Node server), undefined in-process without bindings. */
export function clientAddressOf(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}
