import { describe, expect, it } from 'vitest';
import { findInternalLeak } from './leaks.ts';

describe('findInternalLeak', () => {
  it.each([
    ['{"detail":"TypeError: Cannot read properties of undefined"}', /JavaScript error/],
    ['{"detail":"boom\\n    at handler (/work/apps/gateway/dist/app.js:10:5)"}', /stack frame/],
    ['{"detail":"at Object.<anonymous> (file:///srv/app/main.js:1:2)"}', /stack frame/],
    ['{"detail":"cannot read /work/mq.yaml"}', /file path/],
    ['{"detail":"connect ECONNREFUSED 127.0.0.1:6379"}', /system error code/],
    ['{"detail":"JWSSignatureVerificationFailed"}', /library internals/],
    ['{"detail":"token s3cret-value is wrong"}', /secret/],
  ])('finds %s', (body, what) => {
    expect(findInternalLeak(body, 'POST /v1/topics/orders/messages', ['s3cret-value'])).toMatch(what);
  });

  it('accepts the gateway\'s own details, and an echo of what the client sent', () => {
    expect(findInternalLeak('{"code":"MALFORMED_JSON","detail":"the body is not valid JSON"}', 'POST /x')).toBeUndefined();
    expect(findInternalLeak('{"code":"INVALID_TOKEN","detail":"the token has expired"}', 'POST /x')).toBeUndefined();
    expect(findInternalLeak('{"detail":"no route for GET /etc/passwd"}', 'GET /etc/passwd')).toBeUndefined();
    expect(findInternalLeak('{"detail":"no route for GET /etc/passwd"}', 'GET /%65tc/passwd'.replace('%65', 'e'))).toBeUndefined();
  });
});
