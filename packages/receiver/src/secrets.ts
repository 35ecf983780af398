import { base64Bytes } from './base64.js';

const PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/**
 * The key bytes of one `whsec_<base64>` secret, with the consumer's rules (24 to 64 bytes).
 * Throws a `TypeError` (a set-up mistake, found once when a verifier is made) that does not
 * repeat the secret.
 */
export function parseSecret(secret: string, index: number): Uint8Array<ArrayBuffer> {
  const where = `secrets[${index}]`;
  if (typeof secret !== 'string' || !secret.startsWith(PREFIX)) {
    throw new TypeError(`${where}: not a Standard Webhooks secret ("whsec_" + base64 of the key)`);
  }
  const key = base64Bytes(secret.slice(PREFIX.length));
  if (key === undefined) throw new TypeError(`${where}: the part after "whsec_" is not base64`);
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new TypeError(`${where}: a ${key.length}-byte key; ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes are needed`);
  }
  return key;
}

/** A WebCrypto key (named from the API itself, so the types need no DOM lib). */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** HMAC-SHA256 keys for WebCrypto, one per secret, in the order given. */
export function importSecrets(secrets: string | readonly string[]): Promise<HmacKey[]> {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new TypeError('secrets: at least one secret is needed');
  const raw = list.map((secret, i) => parseSecret(secret, i));
  return Promise.all(raw.map((key) => crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])));
}
