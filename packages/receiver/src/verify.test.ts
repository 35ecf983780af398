import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { VerificationError, type VerificationErrorCode } from './errors.js';
import { newSecret, signedDelivery, signedRequest } from './test-delivery.js';
import { createDeliveryVerifier, verifyDelivery } from './verify.js';

const secret = newSecret();

async function refusal(promise: Promise<unknown>): Promise<VerificationError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VerificationError);
  return error as VerificationError;
}

async function expectCode(promise: Promise<unknown>, code: VerificationErrorCode, status: number): Promise<VerificationError> {
  const error = await refusal(promise);
  expect(error).toMatchObject({ code, status });
  return error;
}

describe('verifyDelivery (signed by the standardwebhooks library)', () => {
  it('returns the delivery as a typed CloudEvent', async () => {
    const event = await verifyDelivery<{ orderId: number }>(signedRequest({ secret, id: 'msg_7' }), { secrets: [secret] });
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'msg_7',
      type: 'order.created',
      source: '/topics/orders',
      time: '2026-12-07T05:00:00.000Z',
      datacontenttype: 'application/json',
      data: { orderId: 42 },
      attempt: 1,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(event.data?.orderId).toBe(42);
    expect(event.constructor.name).toBe('CloudEvent');
  });

  it('decodes percent-encoded ce-* values, keeps text as a string and other bodies as bytes', async () => {
    const text = await verifyDelivery(signedRequest({ secret, body: 'héllo', headers: { 'content-type': 'text/plain; charset=utf-8', 'ce-type': 'order%20cr%C3%A9%C3%A9' } }), { secrets: secret });
    expect(text).toMatchObject({ data: 'héllo', type: 'order créé' });
    const bytes = new Uint8Array([0xff, 0x00, 0x80]);
    const binary = await verifyDelivery(signedRequest({ secret, body: bytes, headers: { 'content-type': 'application/octet-stream' } }), { secrets: secret });
    expect(binary.data).toEqual(bytes);
    expect(binary.data_base64).toBe('/wCA');
  });

  it('accepts any of several secrets, and any of several signatures (rotation, both ways)', async () => {
    const [old, next] = [newSecret(), newSecret(24)];
    // The app still knows only the old secret; the consumer signs with both.
    const both = signedDelivery({ secret: next });
    const byOld = signedDelivery({ secret: old });
    both.headers.set('webhook-signature', `${both.headers.get('webhook-signature')!} ${byOld.headers.get('webhook-signature')!}`);
    await expect(createDeliveryVerifier({ secrets: [old] })(both.headers, both.body)).resolves.toMatchObject({ id: 'msg_01' });
    // The app already knows both; the consumer signs with the new one only.
    const onlyNew = signedDelivery({ secret: next });
    await expect(createDeliveryVerifier({ secrets: [next, old] })(onlyNew.headers, onlyNew.body)).resolves.toMatchObject({ id: 'msg_01' });
    await expectCode(createDeliveryVerifier({ secrets: [old] })(onlyNew.headers, onlyNew.body), 'SIGNATURE_INVALID', 401);
  });

  it('SIGNATURE_MISSING: any webhook-* header absent, or no v1 entry', async () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const error = await expectCode(verifyDelivery(signedRequest({ secret, headers: { [name]: undefined } }), { secrets: secret }), 'SIGNATURE_MISSING', 401);
      expect(error.message).toContain(name);
    }
    await expectCode(verifyDelivery(signedRequest({ secret, headers: { 'webhook-signature': 'v2,abc= v1a,xyz' } }), { secrets: secret }), 'SIGNATURE_MISSING', 401);
  });

  it('SIGNATURE_INVALID: another secret, a changed body, id or timestamp, a garbled signature', async () => {
    const good = signedDelivery({ secret });
    const verify = createDeliveryVerifier({ secrets: secret });
    await expectCode(createDeliveryVerifier({ secrets: newSecret() })(good.headers, good.body), 'SIGNATURE_INVALID', 401);
    await expectCode(verify(good.headers, new TextEncoder().encode('{"orderId":43}')), 'SIGNATURE_INVALID', 401);
    for (const [name, value] of [['webhook-id', 'msg_02'], ['webhook-timestamp', String(Number(good.headers.get('webhook-timestamp')) - 1)], ['webhook-signature', 'v1,not-base64!']] as const) {
      const headers = new Headers(good.headers);
      headers.set(name, value);
      if (name === 'webhook-id') headers.set('ce-id', value);
      await expectCode(verify(headers, good.body), 'SIGNATURE_INVALID', 401);
    }
    const truncated = new Headers(good.headers);
    truncated.set('webhook-signature', good.headers.get('webhook-signature')!.slice(0, -4));
    await expectCode(verify(truncated, good.body), 'SIGNATURE_INVALID', 401);
  });

  it('TIMESTAMP_STALE / TIMESTAMP_FUTURE outside the window, TIMESTAMP_INVALID when not unix seconds', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verify = createDeliveryVerifier({ secrets: secret, toleranceS: 60 });
    const at = (timestamp: number) => signedDelivery({ secret, timestamp });
    const stale = at(now - 61);
    const error = await expectCode(verify(stale.headers, stale.body, now * 1000), 'TIMESTAMP_STALE', 401);
    expect(error.message).toMatch(/61 s old; at most 60 s/);
    const future = at(now + 61);
    await expectCode(verify(future.headers, future.body, now * 1000), 'TIMESTAMP_FUTURE', 401);
    for (const edge of [now - 60, now + 60]) {
      const ok = at(edge);
      await expect(verify(ok.headers, ok.body, now * 1000)).resolves.toMatchObject({ id: 'msg_01' });
    }
    const words = signedDelivery({ secret, headers: { 'webhook-timestamp': 'yesterday' } });
    await expectCode(verify(words.headers, words.body), 'TIMESTAMP_INVALID', 401);
  });

  it('EVENT_MALFORMED: correctly signed but not a readable CloudEvent', async () => {
    const cases: Array<[Record<string, string | undefined>, string | undefined, RegExp]> = [
      [{ 'ce-type': undefined }, undefined, /ce-type header is missing/],
      [{ 'ce-source': undefined }, undefined, /ce-source header is missing/],
      [{ 'ce-specversion': '0.3' }, undefined, /ce-specversion/],
      [{ 'ce-id': 'another-id' }, undefined, /ce-id is not the signed webhook-id/],
      [{ 'x-delivery-attempt': 'two' }, undefined, /x-delivery-attempt/],
      [{ 'x-delivery-attempt': undefined }, undefined, /x-delivery-attempt/],
      [{ 'ce-time': 'soon' }, undefined, /ce-time/],
      [{ 'ce-type': '%E0%A4%A' }, undefined, /percent-encoded/],
      [{}, '{"orderId":', /not JSON/],
    ];
    for (const [headers, body, message] of cases) {
      const error = await expectCode(verifyDelivery(signedRequest({ secret, headers, ...(body === undefined ? {} : { body }) }), { secrets: secret }), 'EVENT_MALFORMED', 400);
      expect(error.message).toMatch(message);
    }
  });

  it('refuses with errors that carry no stack trace', async () => {
    const error = await refusal(verifyDelivery(signedRequest({ secret: newSecret() }), { secrets: secret }));
    expect(error.stack).toBe('SignatureInvalidError [SIGNATURE_INVALID]: no signature matches the configured secrets');
  });

  it('refuses a secret that is not whsec_ + base64 of 24 to 64 bytes when the verifier is made', () => {
    expect(() => createDeliveryVerifier({ secrets: 'hunter2' })).toThrow(/secrets\[0\]: not a Standard Webhooks secret/);
    expect(() => createDeliveryVerifier({ secrets: [secret, newSecret(16)] })).toThrow(/secrets\[1\]: a 16-byte key/);
    expect(() => createDeliveryVerifier({ secrets: 'whsec_***' })).toThrow(/not base64/);
    expect(() => createDeliveryVerifier({ secrets: [] })).toThrow(/at least one/);
  });

  it('agrees with the library on what verifies: their verifier accepts exactly what ours accepts', async () => {
    const good = signedDelivery({ secret });
    const asRecord = Object.fromEntries(good.headers);
    expect(new Webhook(secret).verify(good.body.slice(), asRecord)).toEqual({ orderId: 42 });
    await expect(createDeliveryVerifier({ secrets: secret })(good.headers, good.body)).resolves.toMatchObject({ data: { orderId: 42 } });
  });
});
