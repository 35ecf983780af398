import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hmacWithPublicKey, startTestIdp, unsignedToken, type TestIdp } from './testing/index.js';
import { JwtError } from './jwt-error.js';
import { createJwtVerifier, type JwtVerifier } from './jwt-verifier.js';

let idp: TestIdp;
let viaJwks: JwtVerifier;
let viaKey: JwtVerifier;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  idp = await startTestIdp();
  const common = { issuer: idp.issuer, audience: idp.audience, algorithms: ['ES256' as const, 'RS256' as const] };
  viaJwks = createJwtVerifier({ ...common, jwksUrl: idp.jwksUrl });
  viaKey = createJwtVerifier({ ...common, publicKey: idp.publicKey });
});
afterAll(() => idp.close());

async function rejection(verifier: JwtVerifier, token: string): Promise<JwtError> {
  const err = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(JwtError);
  return err as JwtError;
}

describe.each([['jwksUrl', () => viaJwks], ['publicKey', () => viaKey]])('JWT verification with %s', (_name, verifier) => {
  it('accepts a good token and reads subject, topics and admin scope', async () => {
    const token = await idp.sign({ claims: { sub: 'billing', mq_publish: ['orders', 'admin'] } });
    const identity = await verifier().verify(token);
    expect(identity.subject).toBe('billing');
    expect([...identity.topics]).toEqual(['orders', 'admin']);
    expect(identity.admin).toBe(true);
  });

  it('reads a space-separated topics claim, and no "admin" means no admin scope', async () => {
    const identity = await verifier().verify(await idp.sign({ claims: { mq_publish: 'orders invoices' } }));
    expect([...identity.topics]).toEqual(['orders', 'invoices']);
    expect(identity.admin).toBe(false);
  });

  it('allows 30 s of clock skew on exp and nbf', async () => {
    await expect(verifier().verify(await idp.sign({ claims: { exp: now() - 10, nbf: now() + 10 } }))).resolves.toBeDefined();
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['expired', () => idp.sign({ claims: { exp: now() - 60 } }), /expired/],
    ['nbf in the future', () => idp.sign({ claims: { nbf: now() + 120 } }), /not valid yet/],
    ['wrong issuer', () => idp.sign({ claims: { iss: 'https://evil.example/' } }), /"iss"/],
    ['wrong audience', () => idp.sign({ claims: { aud: 'someone-else' } }), /"aud"/],
    ['alg none', () => Promise.resolve(unsignedToken({ iss: idp.issuer, aud: idp.audience, sub: 'x', exp: now() + 60, mq_publish: ['orders'] })), /algorithm|not a valid/],
    ['HS256 signed with the public key', () => Promise.resolve(hmacWithPublicKey({ iss: idp.issuer, aud: idp.audience, sub: 'x', exp: now() + 60, mq_publish: ['orders'] }, idp.publicKeyPem, idp.kid)), /algorithm/],
    ['signed by another key', () => idp.sign({ foreignKey: true }), /signature/],
    ['no sub', () => idp.sign({ omit: ['sub'] }), /"sub"/],
    ['no exp', () => idp.sign({ omit: ['exp'] }), /"exp"/],
    ['no topics claim', () => idp.sign({ omit: ['mq_publish'] }), /"mq_publish"/],
    ['a topics claim that is not a list of names', () => idp.sign({ claims: { mq_publish: [1, 2] } }), /"mq_publish"/],
    ['garbage', () => Promise.resolve('a.b.c'), /not a valid JWT/],
  ])('rejects a token: %s', async (_case, token, reason) => {
    const err = await rejection(verifier(), await token());
    expect(err.code).toBe('INVALID_TOKEN');
    expect(err.message).toMatch(reason);
  });
});

describe('JWKS fetching', () => {
  it('caches the key set: many verifications, one fetch', async () => {
    const own = await startTestIdp({ alg: 'RS256' });
    try {
      const verifier = createJwtVerifier({ issuer: own.issuer, audience: own.audience, jwksUrl: own.jwksUrl, algorithms: ['RS256'] });
      for (let i = 0; i < 5; i++) await verifier.verify(await own.sign());
      expect(own.fetches).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('an unreachable JWKS is JWKS_UNAVAILABLE (not a bad token)', async () => {
    const own = await startTestIdp();
    try {
      own.available = false;
      const verifier = createJwtVerifier({ issuer: own.issuer, audience: own.audience, jwksUrl: own.jwksUrl });
      expect((await rejection(verifier, await own.sign())).code).toBe('JWKS_UNAVAILABLE');
      await own.close();
      const gone = createJwtVerifier({ issuer: own.issuer, audience: own.audience, jwksUrl: own.jwksUrl });
      expect((await rejection(gone, await own.sign())).code).toBe('JWKS_UNAVAILABLE');
    } finally {
      await own.close().catch(() => undefined);
    }
  });

  it('after a failed fetch the provider rests: one fetch, not one per request, then it recovers', async () => {
    const own = await startTestIdp();
    try {
      own.available = false;
      const verifier = createJwtVerifier({ issuer: own.issuer, audience: own.audience, jwksUrl: own.jwksUrl, jwksRetryMs: 300 });
      const token = await own.sign();
      for (let i = 0; i < 5; i++) expect((await rejection(verifier, token)).code).toBe('JWKS_UNAVAILABLE');
      expect(own.fetches).toBe(1);
      own.available = true;
      await vi.waitFor(() => verifier.verify(token), { timeout: 5000, interval: 100 });
      expect(own.fetches).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('tokens with unknown kids refetch at most once per cooldown', async () => {
    const own = await startTestIdp();
    try {
      const verifier = createJwtVerifier({ issuer: own.issuer, audience: own.audience, jwksUrl: own.jwksUrl, jwksCooldownMs: 60_000 });
      await verifier.verify(await own.sign());
      const forged = await own.sign({ foreignKey: true });
      const tampered = forged.replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'unknown' })).toString('base64url'));
      for (let i = 0; i < 5; i++) expect((await rejection(verifier, tampered)).code).toBe('INVALID_TOKEN');
      expect(own.fetches).toBeLessThanOrEqual(2);
    } finally {
      await own.close();
    }
  });
});

describe('options', () => {
  it('refuses symmetric algorithms, none, and a missing or double key source', () => {
    const base = { issuer: 'https://i/', audience: 'a', jwksUrl: 'https://i/jwks' };
    expect(() => createJwtVerifier({ ...base, algorithms: ['HS256' as never] })).toThrow(/HS256/);
    expect(() => createJwtVerifier({ ...base, algorithms: ['none' as never] })).toThrow(/none/);
    expect(() => createJwtVerifier({ issuer: 'https://i/', audience: 'a' })).toThrow(/exactly one/);
    expect(() => createJwtVerifier({ ...base, publicKey: idp.publicKey })).toThrow(/exactly one/);
  });
});
