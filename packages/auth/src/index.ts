export { JwtError, type JwtErrorCode } from './jwt-error.js';
export { ASYMMETRIC_ALGORITHMS, normalizeJwtOptions, type JwtAlgorithm, type JwtOptions } from './jwt-options.js';
export { ADMIN_SCOPE, createJwtVerifier, type JwtIdentity, type JwtVerifier } from './jwt-verifier.js';
export { looksLikeJwt } from './looks-like-jwt.js';
export { jwtVerifierFromConfig } from './from-config.js';
export { pageSecurityHeaders } from './page-security-headers.js';
