import type { MiddlewareHandler } from 'hono';
import { PROBLEM_CONTENT_TYPE, toProblem, VerificationError } from './errors.js';
import type { DeliveryEvent } from './event.js';
import { createDeliveryVerifier, type VerifyOptions } from './verify.js';

/** Hono context variables the middleware sets: `c.get('delivery')` in the handler. */
export interface DeliveryVariables {
  delivery: DeliveryEvent;
}

/**
 * Hono middleware that verifies each request as a signed delivery and puts the event at
 * `c.get('delivery')`. A delivery that does not verify never reaches the handler: it is answered
 * 401 (signature, timestamp) or 400 (malformed event) with an `application/problem+json` body
 * carrying the `code`; nothing is thrown to Hono's error handler.
 *
 * The body stays readable in the handler (`c.req.json()`, `c.req.arrayBuffer()`): Hono keeps the
 * bytes the middleware read. Throws a `TypeError` now when a secret is not a valid secret.
 *
 * @example
 * app.post('/orders', verifyDeliveryMiddleware({ secrets: [process.env.ORDERS_SIGNING_SECRET!] }), (c) => {
 *   const event = c.get('delivery');
 *   return c.body(null, 204);
 * });
 */
export function verifyDeliveryMiddleware(options: VerifyOptions): MiddlewareHandler<{ Variables: DeliveryVariables }> {
  const verify = createDeliveryVerifier(options);
  return async (c, next) => {
    try {
      const body = new Uint8Array(await c.req.arrayBuffer());
      c.set('delivery', await verify(c.req.raw.headers, body));
    } catch (error) {
      const refusal = error instanceof VerificationError ? error : undefined;
      const problem = refusal ? toProblem(refusal) : { type: 'about:blank', title: 'Bad Request', status: 400, code: 'EVENT_MALFORMED', detail: 'cannot read the delivery' };
      return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': PROBLEM_CONTENT_TYPE });
    }
    await next();
  };
}
