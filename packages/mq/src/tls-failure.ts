/** Node's certificate-verification codes, grouped by what the operator has to fix. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED',
]);
const DATES: Record<string, string> = {
  CERT_HAS_EXPIRED: "the broker's certificate has expired",
  CERT_NOT_YET_VALID: "the broker's certificate is not valid yet",
};
/** TLS alerts the broker sends when it rejects our client certificate (or wants one). */
const CLIENT_CERT_ALERTS: Record<string, string> = {
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'it is not signed by a CA the broker trusts',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'it has expired',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the broker calls it bad',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'the broker cannot verify it',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'none was sent (set AMQP_CERT_FILE and AMQP_KEY_FILE)',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the TLS handshake failed',
};

/**
 * One line naming why TLS to the broker failed in a way retrying cannot fix (an untrusted or
 * expired certificate, a host name it does not cover, a client certificate the broker refuses),
 * or undefined for any other error (a refused or dropped connection is worth retrying). The apps
 * stop on such a failure rather than retry forever, and never fall back to plaintext.
 */
export function describeTlsFailure(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (UNTRUSTED.has(code)) return `the broker's certificate is not signed by a trusted CA (${code}; check AMQP_CA_FILE)`;
  if (DATES[code]) return `${DATES[code]} (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const reason = (err as Error).message.replace(/^Hostname\/IP does not match certificate's altnames: /, '');
    return `the broker's certificate does not cover the host in AMQP_URL: ${reason} (${code})`;
  }
  if (CLIENT_CERT_ALERTS[code]) return `the broker refused our client certificate: ${CLIENT_CERT_ALERTS[code]} (${code})`;
  return undefined;
}
