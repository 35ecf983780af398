import { timingSafeEqual } from 'node:crypto';
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
 * Admin API guard: a bearer token configured with `admin: true` (401 without a known token,
 * 403 for a token without admin rights); with no tokens configured, loopback clients only.
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
    if (!token) {
      c.header('www-authenticate', 'Bearer');
      return problem(c, 401, 'UNAUTHORIZED', 'a valid bearer token is required');
    }
    if (!token.admin) return problem(c, 403, 'FORBIDDEN', `token "${token.name}" has no admin rights`);
    return next();
  };
}

/** Compares in constant time, so response timing does not reveal how much of a secret matched. */
function findToken<T>(secrets: Map<string, T>, presented: string): T | undefined {
  const given = Buffer.from(presented);
  for (const [secret, token] of secrets) {
    const expected = Buffer.from(secret);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return token;
  }
  return undefined;
}
