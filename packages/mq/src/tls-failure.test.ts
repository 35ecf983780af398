import { describe, expect, it } from 'vitest';
import { describeTlsFailure } from './tls-failure.js';

const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('describeTlsFailure', () => {
  it('names each verification failure in one line with its code', () => {
    expect(describeTlsFailure(err('SELF_SIGNED_CERT_IN_CHAIN'))).toMatch(/not signed by a trusted CA .*AMQP_CA_FILE/);
    expect(describeTlsFailure(err('CERT_HAS_EXPIRED'))).toMatch(/has expired \(CERT_HAS_EXPIRED\)/);
    expect(describeTlsFailure(err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: "))).toMatch(
      /does not cover the host in AMQP_URL: IP: 127\.0\.0\.1 is not in the cert's list/,
    );
    expect(describeTlsFailure(err('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'))).toMatch(/refused our client certificate/);
    for (const code of ['CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) expect(describeTlsFailure(err(code))).not.toContain('\n');
  });

  it('leaves retryable errors alone', () => {
    for (const e of [err('ECONNREFUSED'), err('ECONNRESET'), new Error('x'), undefined, 'text']) expect(describeTlsFailure(e)).toBeUndefined();
  });
});
