import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A fresh `whsec_` secret of `bytes` random key bytes. */
export const newSecret = (bytes = 32): string => `whsec_${randomBytes(bytes).toString('base64')}`;

export interface TestDelivery {
  secret: string;
  id?: string;
  body?: string | Uint8Array;
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** Added to (or, with `undefined`, removed from) the default delivery headers. */
  headers?: Record<string, string | undefined>;
}

/**
 * Headers and body of a delivery as the consumer sends it, signed by the standardwebhooks
 * library (not by our code): the reference signer for the verifier's tests.
 */
export function signedDelivery(options: TestDelivery): { headers: Headers; body: Uint8Array } {
  const id = options.id ?? 'msg_01';
  const body = typeof options.body === 'string' || options.body === undefined ? new TextEncoder().encode(options.body ?? '{"orderId":42}') : options.body;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const all: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-type': 'order.created',
    'ce-source': '/topics/orders',
    'ce-time': '2026-12-07T05:00:00.000Z',
    'x-delivery-attempt': '1',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(options.secret).sign(id, new Date(timestamp * 1000), body),
    ...options.headers,
  };
  const headers = new Headers();
  for (const [name, value] of Object.entries(all)) if (value !== undefined) headers.set(name, value);
  return { headers, body };
}

/** The same as a web `Request`. */
export function signedRequest(options: TestDelivery): Request {
  const { headers, body } = signedDelivery(options);
  return new Request('http://app.test/orders', { method: 'POST', headers, body: body.slice() });
}
