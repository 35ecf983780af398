import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSigner, parseSigningSecret } from './signing.js';

const secretOf = (key: Buffer) => `whsec_${key.toString('base64')}`;

describe('parseSigningSecret', () => {
  it('decodes whsec_ + base64 of 24 to 64 bytes', () => {
    for (const size of [24, 32, 64]) {
      const key = randomBytes(size);
      expect(parseSigningSecret(secretOf(key)).equals(key)).toBe(true);
    }
  });

  it('refuses a missing prefix, bad base64 and keys too short or too long, without echoing the secret', () => {
    const cases: Array<[string, RegExp]> = [
      [randomBytes(32).toString('base64'), /does not start with "whsec_"/],
      ['whsec_not*base64!', /is not "whsec_" followed by base64/],
      ['whsec_abc', /is not "whsec_" followed by base64/],
      [secretOf(randomBytes(16)), /holds a 16-byte key; 24 to 64 bytes are needed/],
      [secretOf(randomBytes(65)), /holds a 65-byte key/],
      ['whsec_', /holds a 0-byte key/],
    ];
    for (const [secret, message] of cases) {
      let error: unknown;
      try {
        parseSigningSecret(secret);
      } catch (caught) {
        error = caught;
      }
      expect(error, secret).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      if (secret.length > 8) expect((error as Error).message).not.toContain(secret.slice(6));
    }
  });
});

describe('createSigner', () => {
  const body = Buffer.from('{"orderId":42}');

  it('signs what the standardwebhooks library verifies (our signer, their verifier)', () => {
    const key = randomBytes(32);
    const headers: Record<string, string> = { 'ce-id': 'msg_01' };
    createSigner([key])(headers, body);
    expect(headers['webhook-id']).toBe('msg_01');
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secretOf(key)).verify(body, headers)).toEqual({ orderId: 42 });
  });

  it('gives the same signature as the library for the same id, time and body', () => {
    const key = randomBytes(24);
    const headers: Record<string, string> = { 'ce-id': 'm-7' };
    const at = new Date('2026-12-07T05:00:00Z');
    createSigner([key])(headers, body, at.getTime() + 999);
    expect(headers['webhook-timestamp']).toBe(String(at.getTime() / 1000));
    expect(headers['webhook-signature']).toBe(new Webhook(secretOf(key)).sign('m-7', at, body));
  });

  it('signs the exact bytes, not a UTF-8 reading of them', () => {
    const key = randomBytes(32);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const headers: Record<string, string> = { 'ce-id': 'bin' };
    createSigner([key])(headers, binary);
    expect(() => new Webhook(secretOf(key)).verify(binary, headers, { jsonParse: false })).not.toThrow();
    const mangled = Buffer.from(binary.toString('utf8'));
    expect(() => new Webhook(secretOf(key)).verify(mangled, headers, { jsonParse: false })).toThrow(/No matching signature/);
  });

  it('signs with every key, so either the old or the new secret verifies (rotation)', () => {
    const [next, old] = [randomBytes(32), randomBytes(32)];
    const headers: Record<string, string> = { 'ce-id': 'rot' };
    createSigner([next, old])(headers, body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(secretOf(next)).verify(body, headers)).toEqual({ orderId: 42 });
    expect(new Webhook(secretOf(old)).verify(body, headers)).toEqual({ orderId: 42 });
    expect(() => new Webhook(secretOf(randomBytes(32))).verify(body, headers)).toThrow(/No matching signature/);
  });
});
