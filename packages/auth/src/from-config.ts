import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type LoadedConfig } from '@mq/config';
import { createJwtVerifier, type JwtVerifier } from './jwt-verifier.js';

/**
 * The verifier for `auth.jwt` of a loaded mq.yaml, or undefined without one. `publicKeyFile` is
 * read now, relative to the config file; an unreadable or non-PEM file is a {@link ConfigError}.
 */
export function jwtVerifierFromConfig(loaded: Pick<LoadedConfig, 'config' | 'configPath' | 'resolvePath'>): JwtVerifier | undefined {
  const jwt = loaded.config.auth.jwt;
  if (!jwt) return undefined;
  const publicKey = jwt.publicKeyFile ? readPublicKey(loaded.resolvePath(jwt.publicKeyFile), loaded.configPath) : undefined;
  return createJwtVerifier({
    issuer: jwt.issuer,
    audience: jwt.audience,
    jwksUrl: jwt.jwksUrl,
    publicKey,
    algorithms: jwt.algorithms,
    topicsClaim: jwt.topicsClaim,
  });
}

function readPublicKey(path: string, configPath: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${configPath}: auth.jwt.publicKeyFile: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return createPublicKey(pem);
  } catch {
    throw new ConfigError(`${configPath}: auth.jwt.publicKeyFile: ${path} is not a PEM public key`);
  }
}
