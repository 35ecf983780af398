import { createHash, timingSafeEqual } from 'node:crypto';
import { JwtError, looksLikeJwt, type JwtVerifier } from '@mq/auth';
import { ConfigError, type TokenConfig } from '@mq/config';
import { ProblemError } from './errors.js';
import type { RateLimiter } from './local-rate-limiter.js';

/** Who is calling: a configured token, a verified JWT, or a loopback client when no auth is configured. */
export interface Principal {
  /** How errors and logs name it: `token "checkout"`, `subject "team-a"`, `loopback`. */
  label: string;
  /** Topics it may publish to; `'*'` for loopback clients without auth. */
  topics: ReadonlySet<string> | '*';
  /** Requests per second, sustained; undefined = unlimited. */
  rateLimit?: number;
  /** The rate-limit key: `token:<name>` or `sub:<subject>` (distinct namespaces). */
  rateKey: string;
}

interface TokenEntry extends Principal {
  digest: Buffer;
}

/** JWTs from an identity provider, beside or instead of the static tokens. */
export interface JwtAuth {
  verifier: JwtVerifier;
  /** Requests per second per subject. */
  rateLimit?: number;
}

/** Authenticates requests; built once at boot from `auth.tokens` and `auth.jwt`. */
export interface Authenticator {
  /** What is configured; `loopback` when neither tokens nor JWTs are. */
  readonly mode: 'tokens' | 'jwt' | 'tokens+jwt' | 'loopback';
  /** Static tokens answer synchronously; a JWT needs its (cached) keys, so it answers with a promise. */
  authenticate(authorization: string | undefined, clientAddress: string | undefined): Principal | Promise<Principal>;
}

const challenge = { 'www-authenticate': 'Bearer' };
const digest = (secret: string) => createHash('sha256').update(secret).digest();
/** A subject comes from a verified token, but is still the client's text: keep messages short. */
const short = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);

/**
 * Reads each token's secret from its environment variable; a missing one is a {@link ConfigError}
 * (a token that can never match is a misconfiguration, not an open door).
 */
export function createAuthenticator(tokens: TokenConfig[], env: NodeJS.ProcessEnv, jwt?: JwtAuth): Authenticator {
  const entries: TokenEntry[] = tokens.map((token, i) => {
    const secret = env[token.env];
    if (!secret) throw new ConfigError(`auth.tokens.${i} (${token.name}): environment variable ${token.env} is not set`);
    return { label: `token "${token.name}"`, topics: new Set(token.publish), digest: digest(secret), rateLimit: token.rateLimit, rateKey: `token:${token.name}` };
  });
  if (entries.length === 0 && !jwt) return { mode: 'loopback', authenticate: authenticateLoopback };
  const mode = jwt ? (entries.length ? 'tokens+jwt' : 'jwt') : 'tokens';
  return { mode, authenticate: (header) => authenticateBearer(entries, jwt, header) };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const loopbackPrincipal: Principal = { label: 'loopback', topics: '*', rateKey: 'loopback' };

function authenticateLoopback(_header: string | undefined, clientAddress: string | undefined): Principal {
  if (clientAddress && LOOPBACK.test(clientAddress)) return loopbackPrincipal;
  throw new ProblemError(403, 'LOOPBACK_ONLY', 'no auth tokens are configured, so only loopback clients may publish');
}

function authenticateBearer(entries: TokenEntry[], jwt: JwtAuth | undefined, header: string | undefined): Principal | Promise<Principal> {
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
  if (found) return found;
  if (jwt && looksLikeJwt(match[1])) return authenticateJwt(jwt, match[1]);
  throw new ProblemError(401, 'INVALID_TOKEN', 'the bearer token is not valid', { headers: challenge });
}

async function authenticateJwt(jwt: JwtAuth, token: string): Promise<Principal> {
  try {
    const identity = await jwt.verifier.verify(token);
    return { label: `subject "${short(identity.subject)}"`, topics: identity.topics, rateLimit: jwt.rateLimit, rateKey: `sub:${identity.subject}` };
  } catch (err) {
    throw problemFromJwtError(err);
  }
}

/** 401 for a token that fails verification; 503 (retry later) when the provider's keys are out of reach. */
export function problemFromJwtError(err: unknown): ProblemError {
  if (err instanceof JwtError && err.code === 'JWKS_UNAVAILABLE') {
    return new ProblemError(503, 'AUTH_UNAVAILABLE', 'the identity provider\'s signing keys cannot be fetched; retry later', { retryAfterSeconds: 5, cause: err });
  }
  const detail = err instanceof JwtError ? err.message : 'the bearer token is not valid';
  return new ProblemError(401, 'INVALID_TOKEN', detail, { headers: challenge, cause: err });
}

/** Throws 403 unless the principal may publish to the topic. */
export function authorizeTopic(principal: Principal, topic: string): void {
  if (principal.topics !== '*' && !principal.topics.has(topic)) {
    throw new ProblemError(403, 'TOPIC_FORBIDDEN', `${principal.label} may not publish to topic "${topic}"`);
  }
}

/** Throws 429 with `Retry-After` when the principal is over its rate. */
export function enforceRateLimit(limiter: RateLimiter, principal: Principal): void | Promise<void> {
  if (principal.rateLimit === undefined) return;
  const wait = limiter.take(principal.rateKey, principal.rateLimit);
  if (typeof wait === 'number') return refuseIfWaiting(principal, wait);
  return wait.then((seconds) => refuseIfWaiting(principal, seconds));
}

function refuseIfWaiting(principal: Principal, waitSeconds: number): void {
  if (waitSeconds > 0) {
    throw new ProblemError(429, 'RATE_LIMITED', `${principal.label} is over its rate limit`, { retryAfterSeconds: waitSeconds });
  }
}

/** The connecting socket's address (Node server), undefined in-process without bindings. */
export function clientAddressOf(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}
