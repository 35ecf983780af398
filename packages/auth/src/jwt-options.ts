import type { KeyObject } from 'node:crypto';

/** Asymmetric JWS algorithms only: `none` and the HMAC family (HS*) can never be allowed. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type JwtAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** How JWTs from one identity provider are verified. */
export interface JwtOptions {
  /** Expected `iss`, compared exactly. */
  issuer: string;
  /** Expected `aud` (the token must name at least one of these). */
  audience: string | string[];
  /** The provider's JWKS endpoint; exactly one of `jwksUrl` and `publicKey`. */
  jwksUrl?: string;
  /** A fixed public key (e.g. read from a PEM file at boot). */
  publicKey?: KeyObject;
  /** Allowed `alg` values. @default ['RS256', 'ES256'] */
  algorithms?: JwtAlgorithm[];
  /** Claim holding the topics a token may publish to (array, or a space-separated string). @default 'mq_publish' */
  topicsClaim?: string;
  /** Accepted clock difference for `exp`/`nbf`/`iat`, in seconds. @default 30 */
  clockToleranceSeconds?: number;
  /** JWKS HTTP timeout. @default 5000 */
  jwksTimeoutMs?: number;
  /** Longest time a fetched JWKS is used before it is fetched again. @default 600000 */
  jwksCacheMaxAgeMs?: number;
  /**
   * Shortest time between two fetches, however many tokens with unknown `kid`s arrive: bounds
   * what a flood of forged tokens can make the gateway send to the provider. @default 30000
   */
  jwksCooldownMs?: number;
  /** After a failed JWKS fetch, how long to answer "unavailable" before fetching again. @default 5000 */
  jwksRetryMs?: number;
}

export type NormalizedJwtOptions = Required<Omit<JwtOptions, 'jwksUrl' | 'publicKey' | 'audience'>> &
  Pick<JwtOptions, 'jwksUrl' | 'publicKey'> & { audience: string[] };

const defaults = {
  algorithms: ['RS256', 'ES256'] as JwtAlgorithm[],
  topicsClaim: 'mq_publish',
  clockToleranceSeconds: 30,
  jwksTimeoutMs: 5000,
  jwksCacheMaxAgeMs: 600_000,
  jwksCooldownMs: 30_000,
  jwksRetryMs: 5000,
};

/** Fills in defaults and rejects nonsense (no key source, both, a symmetric algorithm). */
export function normalizeJwtOptions(options: JwtOptions): NormalizedJwtOptions {
  if (!options.issuer) throw new TypeError('jwt: issuer is required');
  const audience = [options.audience].flat().filter(Boolean);
  if (audience.length === 0) throw new TypeError('jwt: audience is required');
  if (!options.jwksUrl === !options.publicKey) throw new TypeError('jwt: give exactly one of jwksUrl and publicKey');
  if (options.publicKey && options.publicKey.type !== 'public') throw new TypeError('jwt: publicKey must be a public key');
  const normalized = { ...defaults, ...withoutUndefined(options), issuer: options.issuer, audience };
  if (normalized.algorithms.length === 0) throw new TypeError('jwt: algorithms must not be empty');
  for (const alg of normalized.algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) throw new TypeError(`jwt: algorithm ${alg} is not allowed`);
  }
  return normalized;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
