import { createHmac } from 'node:crypto';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An unsigned token (`alg: none`) with the given claims. */
export function unsignedToken(claims: object): string {
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`;
}

/**
 * The classic key-confusion forgery: HS256 with the provider's public key (PEM text) as the HMAC
 * secret. A verifier that lets the token pick its algorithm would accept it.
 */
export function hmacWithPublicKey(claims: object, publicKeyPem: string, kid?: string): string {
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) }))}.${b64url(JSON.stringify(claims))}`;
  return `${head}.${createHmac('sha256', publicKeyPem).update(head).digest('base64url')}`;
}
