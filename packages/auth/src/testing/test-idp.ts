import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type CryptoKey } from 'jose';

/** Claims and header knobs for {@link TestIdp.sign}. */
export interface SignOptions {
  /** Added to (or overriding) the defaults: iss, aud, sub, iat, exp (+5 min), mq_publish. */
  claims?: JWTPayload;
  /** Claim names to leave out of the defaults. */
  omit?: string[];
  /** Sign with a key the JWKS does not publish (same `kid`). */
  foreignKey?: boolean;
}

/** A throwaway identity provider for tests: a key pair made in the test and a JWKS endpoint. */
export interface TestIdp {
  issuer: string;
  audience: string;
  alg: 'RS256' | 'ES256';
  kid: string;
  jwksUrl: string;
  /** SPKI PEM of the signing key (for `publicKeyFile`). */
  publicKeyPem: string;
  publicKey: KeyObject;
  /** How many times the JWKS was fetched. */
  readonly fetches: number;
  /** Whether the JWKS endpoint answers (else 503). */
  available: boolean;
  sign(options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

/** Starts a JWKS server on a free loopback port; `close()` it after the test. */
export async function startTestIdp(options: { alg?: 'RS256' | 'ES256'; audience?: string } = {}): Promise<TestIdp> {
  const alg = options.alg ?? 'ES256';
  const kid = `k-${Math.random().toString(36).slice(2)}`;
  const own = await generateKeyPair(alg, { extractable: true });
  const foreign = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(own.publicKey)), kid, alg, use: 'sig' };
  const state = { fetches: 0, available: true };
  const server = createServer((_req, res) => {
    state.fetches++;
    if (!state.available) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicKeyPem = await exportSPKI(own.publicKey);
  const idp = {
    issuer: `${base}/`,
    audience: options.audience ?? 'mq-gateway',
    alg,
    kid,
    jwksUrl: `${base}/.well-known/jwks.json`,
    publicKeyPem,
    publicKey: createPublicKey(publicKeyPem),
    get fetches() { return state.fetches; },
    get available() { return state.available; },
    set available(value: boolean) { state.available = value; },
    sign: (signOptions: SignOptions = {}) => sign(idp, signOptions.foreignKey ? foreign.privateKey : own.privateKey, signOptions),
    close: () => closeServer(server),
  };
  return idp;
}

async function sign(idp: TestIdp, key: CryptoKey, options: SignOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const defaults: JWTPayload = { iss: idp.issuer, aud: idp.audience, sub: 'team-a', iat: now, exp: now + 300, mq_publish: [] };
  const claims: JWTPayload = { ...defaults, ...options.claims };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: idp.alg, kid: idp.kid, typ: 'JWT' }).sign(key);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
