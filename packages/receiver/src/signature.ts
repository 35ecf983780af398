import { base64Bytes } from './base64.js';
import { SignatureInvalidError, SignatureMissingError } from './errors.js';
import type { HmacKey } from './secrets.js';

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/**
 * Checks `webhook-signature` (space-separated `v1,<base64>` entries) against
 * HMAC-SHA256(key, `id.timestamp.body`) for each key. Resolves when one entry matches one key;
 * rejects with {@link SignatureMissingError} when there is no `v1` entry, else
 * {@link SignatureInvalidError}.
 */
export async function checkSignature(
  keys: readonly HmacKey[],
  header: { id: string; timestamp: string; signature: string },
  body: Uint8Array,
): Promise<void> {
  const candidates = v1Signatures(header.signature);
  if (candidates.length === 0) throw new SignatureMissingError('webhook-signature has no v1 signature');
  const signed = concat(encoder.encode(`${header.id}.${header.timestamp}.`), body);
  for (const key of keys) {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed));
    // Every candidate is compared in full: no early exit that tells how much of a forgery was right.
    let match = false;
    for (const candidate of candidates) match = constantTimeEqual(expected, candidate) || match;
    if (match) return;
  }
  throw new SignatureInvalidError();
}

/**
 * The decoded `v1` entries; other versions are ignored, as the spec says. An undecodable `v1`
 * entry stays as an empty one that matches nothing: the delivery was signed, just not rightly.
 */
function v1Signatures(header: string): Uint8Array[] {
  const result: Uint8Array[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const bytes = base64Bytes(entry.slice(comma + 1));
    result.push(bytes ?? EMPTY);
  }
  return result;
}

/**
 * Compares in time that depends only on the length (which is public: a SHA-256 is 32 bytes).
 * Written out because `crypto.timingSafeEqual` is Node's, not a web API.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
