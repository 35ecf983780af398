/**
 * Why a bearer JWT was not accepted. `INVALID_TOKEN` is the caller's fault (answer 401);
 * `JWKS_UNAVAILABLE` means the identity provider's keys could not be fetched, so the token could
 * not be judged at all (answer 503 and let the client retry, never 401: the token may be fine).
 */
export type JwtErrorCode = 'INVALID_TOKEN' | 'JWKS_UNAVAILABLE';

/** A rejected or unverifiable JWT; `message` is safe to show to the client, `cause` is not. */
export class JwtError extends Error {
  override name = 'JwtError';

  constructor(
    readonly code: JwtErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
