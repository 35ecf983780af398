import { timingSafeEqual } from 'node:crypto';
import { JwtError, looksLikeJwt, type JwtVerifier } from '@mq/auth';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { AdminAccess } from '../config.js';
import { problem } from './problem.js';

/** Where a request came from; replaceable in tests that call `app.request()`. */
export type RemoteAddress = (c: Context) => string | undefined;

export const nodeRemoteAddress: RemoteAddress = (c) => {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by @hono/node-server
  }
};

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * Admin API guard: a bearer token configured with `admin: true`, or a JWT whose topics claim holds
 * `"admin"` (401 without a valid one, 403 without admin rights, 503 while the identity provider's
 * keys cannot be fetched); with neither configured, loopback clients only.
 */
export function adminAuth(access: AdminAccess, remoteAddress: RemoteAddress = nodeRemoteAddress): MiddlewareHandler {
  return async (c, next) => {
    if (access.kind === 'loopback') {
      if (!isLoopback(remoteAddress(c))) {
        return problem(c, 403, 'FORBIDDEN', 'no auth tokens are configured: the admin API serves loopback clients only');
      }
      return next();
    }
    const presented = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    const token = presented === undefined ? undefined : findToken(access.secrets, presented);
    const caller = token ?? (presented !== undefined && access.jwt && looksLikeJwt(presented) ? await verifyJwt(c, access.jwt, presented) : undefined);
    if (caller instanceof Response) return caller;
    if (!caller) {
      c.header('www-authenticate', 'Bearer');
      return problem(c, 401, 'UNAUTHORIZED', 'a valid bearer token is required');
    }
    if (!caller.admin) return problem(c, 403, 'FORBIDDEN', `${caller.label} has no admin rights`);
    return next();
  };
}

/** A JWT's caller; a 503 answer while the JWKS is out of reach (the token may be fine); else undefined. */
async function verifyJwt(c: Context, verifier: JwtVerifier, jwt: string): Promise<Caller | Response | undefined> {
  try {
    const identity = await verifier.verify(jwt);
    return { label: `subject "${identity.subject.slice(0, 100)}"`, admin: identity.admin };
  } catch (err) {
    if (!(err instanceof JwtError) || err.code !== 'JWKS_UNAVAILABLE') return undefined;
    c.header('retry-after', '5');
    return problem(c, 503, 'AUTH_UNAVAILABLE', "the identity provider's signing keys cannot be fetched; retry later");
  }
}

interface Caller {
  label: string;
  admin: boolean;
}

/** Compares in constant time, so response timing does not reveal how much of a secret matched. */
function findToken(secrets: Map<string, { name: string; admin: boolean }>, presented: string): Caller | undefined {
  const given = Buffer.from(presented);
  for (const [secret, token] of secrets) {
    const expected = Buffer.from(secret);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { label: `token "${token.name}"`, admin: token.admin };
  }
  return undefined;
}
