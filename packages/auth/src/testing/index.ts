export { hmacWithPublicKey, unsignedToken } from './forged-tokens.js';
export { startTestIdp, type SignOptions, type TestIdp } from './test-idp.js';
