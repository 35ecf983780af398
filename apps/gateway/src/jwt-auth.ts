import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createJwtVerifier } from '@mq/auth';
import { ConfigError, type LoadedConfig } from '@mq/config';
import type { JwtAuth } from './auth.js';

/** Builds the JWT verifier of `auth.jwt`, if any; an unreadable key file is a {@link ConfigError}. */
export function loadJwtAuth(loaded: Pick<LoadedConfig, 'config' | 'configPath' | 'resolvePath'>): JwtAuth | undefined {
  const jwt = loaded.config.auth.jwt;
  if (!jwt) return undefined;
  const publicKey = jwt.publicKeyFile ? readPublicKey(loaded.resolvePath(jwt.publicKeyFile), loaded.configPath) : undefined;
  const verifier = createJwtVerifier({
    issuer: jwt.issuer,
    audience: jwt.audience,
    jwksUrl: jwt.jwksUrl,
    publicKey,
    algorithms: jwt.algorithms,
    topicsClaim: jwt.topicsClaim,
  });
  return { verifier, rateLimit: jwt.rateLimit };
}

function readPublicKey(path: string, configPath: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${configPath}: auth.jwt.publicKeyFile: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === undefined) throw new Error('not an asymmetric key');
    return key;
  } catch {
    throw new ConfigError(`${configPath}: auth.jwt.publicKeyFile: ${path} is not a PEM public key`);
  }
}
