const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Whether a bearer credential has the shape of a compact JWS (three base64url parts), so a
 * gateway can send it to the JWT verifier; static tokens of that shape still match first.
 */
export function looksLikeJwt(token: string): boolean {
  return token.length < 16_384 && COMPACT_JWS.test(token);
}
