import { jwtVerifierFromConfig } from '@mq/auth';
import type { LoadedConfig } from '@mq/config';
import type { JwtAuth } from './auth.js';

/** `auth.jwt` as the gateway uses it: the verifier and the per-subject rate. Throws ConfigError. */
export function loadJwtAuth(loaded: Pick<LoadedConfig, 'config' | 'configPath' | 'resolvePath'>): JwtAuth | undefined {
  const verifier = jwtVerifierFromConfig(loaded);
  return verifier && { verifier, rateLimit: loaded.config.auth.jwt?.rateLimit };
}
