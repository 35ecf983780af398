import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { KeyObject } from 'node:crypto';
import { JwtError } from './jwt-error.js';
import { normalizeJwtOptions, type JwtOptions, type NormalizedJwtOptions } from './jwt-options.js';

/** Who a verified token speaks for. */
export interface JwtIdentity {
  /** The token's `sub`: the rate-limit key and the name in logs. */
  subject: string;
  /** Topics named by the topics claim. */
  topics: ReadonlySet<string>;
  /** `"admin"` was among them: the consumer's admin API is allowed. */
  admin: boolean;
}

/** Verifies bearer JWTs of one identity provider. */
export interface JwtVerifier {
  /** Resolves the identity or rejects with a {@link JwtError}. */
  verify(token: string): Promise<JwtIdentity>;
}

/** The scope value in the topics claim that grants the consumer's admin API. */
export const ADMIN_SCOPE = 'admin';

/**
 * Builds a verifier: signature (by the JWKS or a fixed key), `exp` (required) and `nbf` with a
 * small clock tolerance, `iss`, `aud`, `sub` (required) and an allow-list of asymmetric
 * algorithms, so neither `alg: none` nor an HS256 token "signed" with the public key can pass.
 */
export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  const opts = normalizeJwtOptions(options);
  const key = opts.jwksUrl ? remoteKeys(opts.jwksUrl, opts) : opts.publicKey!;
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key as KeyObject & JWTVerifyGetKey, {
          issuer: opts.issuer,
          audience: opts.audience,
          algorithms: opts.algorithms,
          clockTolerance: opts.clockToleranceSeconds,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        throw err instanceof JwtError ? err : new JwtError('INVALID_TOKEN', describe(err), { cause: err });
      }
      return identityOf(payload, opts.topicsClaim);
    },
  };
}

/**
 * jose's remote JWKS caches the set (`cacheMaxAge`), refetches when a `kid` is unknown but at most
 * once per `cooldown`, and times out. A failed fetch is not the token's fault: it becomes
 * `JWKS_UNAVAILABLE`; only "no such key" stays a verdict on the token. After a failed fetch the
 * provider gets `jwksRetryMs` of rest (answers are JWKS_UNAVAILABLE at once), so an outage costs
 * one fetch per pause, not one per request, and no request waits out a timeout meanwhile.
 */
function remoteKeys(url: string, opts: NormalizedJwtOptions): JWTVerifyGetKey {
  const jwks = createRemoteJWKSet(new URL(url), {
    timeoutDuration: opts.jwksTimeoutMs,
    cooldownDuration: opts.jwksCooldownMs,
    cacheMaxAge: opts.jwksCacheMaxAgeMs,
  });
  let restUntil = 0;
  const unavailable = (cause?: unknown) => new JwtError('JWKS_UNAVAILABLE', 'the identity provider\'s keys cannot be fetched', { cause });
  return async (header, token) => {
    if (performance.now() < restUntil) throw unavailable();
    try {
      return await jwks(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      restUntil = performance.now() + opts.jwksRetryMs;
      throw unavailable(err);
    }
  };
}

function identityOf(payload: JWTPayload, claim: string): JwtIdentity {
  const value = payload[claim];
  const scopes = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
    throw new JwtError('INVALID_TOKEN', `the token has no "${claim}" claim (a list of topics)`);
  }
  const topics = new Set<string>(scopes);
  return { subject: payload.sub!, topics, admin: topics.has(ADMIN_SCOPE) };
}

/** A short reason for the client; never the key, the token or a stack. */
function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `the token has no "${err.claim}" claim`;
    if (err.claim === 'nbf') return 'the token is not valid yet';
    if (err.claim === 'iat') return 'the token was issued in the future';
    return `the token's "${err.claim}" claim is not accepted`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the token\'s signing algorithm is not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token\'s signature is not valid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'the token is not signed by a known key';
  return 'the token is not a valid JWT';
}
