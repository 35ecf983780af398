import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { verifyDeliveryMiddleware, type DeliveryVariables } from './hono.js';
import { newSecret, signedRequest } from './test-delivery.js';

const secret = newSecret();

function app() {
  const seen: unknown[] = [];
  const errors: unknown[] = [];
  const refused: string[] = [];
  const hono = new Hono<{ Variables: DeliveryVariables }>();
  hono.onError((error, c) => {
    errors.push(error);
    return c.text('handler error', 500);
  });
  hono.post('/orders', verifyDeliveryMiddleware({ secrets: [secret], toleranceS: 60, onRefused: (error, c) => refused.push(`${c.req.path} ${error.code}`) }), async (c) => {
    // The body is still readable after the middleware read it.
    seen.push({ event: c.get('delivery'), raw: await c.req.text() });
    return c.body(null, 204);
  });
  return { hono, seen, errors, refused };
}

describe('verifyDeliveryMiddleware', () => {
  it('passes a verified delivery to the handler as c.get("delivery"), body still readable', async () => {
    const { hono, seen } = app();
    const res = await hono.request(signedRequest({ secret, id: 'h-1' }));
    expect(res.status).toBe(204);
    expect(seen).toEqual([{ event: expect.objectContaining({ id: 'h-1', data: { orderId: 42 }, attempt: 1 }), raw: '{"orderId":42}' }]);
  });

  it('answers 401 / 400 problem+json with the code and never calls the handler nor throws', async () => {
    const { hono, seen, errors, refused } = app();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[Request, number, string]> = [
      [signedRequest({ secret, headers: { 'webhook-signature': undefined } }), 401, 'SIGNATURE_MISSING'],
      [signedRequest({ secret: newSecret() }), 401, 'SIGNATURE_INVALID'],
      [signedRequest({ secret, timestamp: now - 3600 }), 401, 'TIMESTAMP_STALE'],
      [signedRequest({ secret, timestamp: now + 3600 }), 401, 'TIMESTAMP_FUTURE'],
      [signedRequest({ secret, body: 'not json' }), 400, 'EVENT_MALFORMED'],
    ];
    for (const [request, status, code] of cases) {
      const res = await hono.request(request);
      expect(res.status, code).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status, code, title: status === 401 ? 'Unauthorized' : 'Bad Request', detail: expect.any(String) });
    }
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);
    expect(refused).toEqual(cases.map(([, , code]) => `/orders ${code}`));
  });
});
