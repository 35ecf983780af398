import type { Context, Env, MiddlewareHandler } from 'hono';
import { MalformedEventError, PROBLEM_CONTENT_TYPE, toProblem, VerificationError } from './errors.js';
import type { DeliveryEvent } from './event.js';
import { createDeliveryVerifier, type VerifyOptions } from './verify.js';

/** Hono context variables the middleware sets: `c.get('delivery')` in the handler. */
export interface DeliveryVariables {
  delivery: DeliveryEvent;
}

/** {@link VerifyOptions} and a hook for refusals. */
export interface MiddlewareOptions extends VerifyOptions {
  /** Called for each refused delivery before the 401/400 answer (to log or count them). */
  onRefused?: (error: VerificationError, c: Context) => void;
}

/**
 * Hono middleware that verifies each request as a signed delivery and puts the event at
 * `c.get('delivery')`. A delivery that does not verify never reaches the handler: it is answered
 * 401 (signature, timestamp) or 400 (malformed event) with an `application/problem+json` body
 * carrying the `code`; nothing is thrown to Hono's error handler.
 *
 * `E` is the app's own Hono env (bindings, other variables), when it has one.
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
export function verifyDeliveryMiddleware<E extends Env = Env>(options: MiddlewareOptions): MiddlewareHandler<E & { Variables: DeliveryVariables }> {
  const verify = createDeliveryVerifier(options);
  return async (c, next) => {
    try {
      const body = new Uint8Array(await c.req.arrayBuffer());
      c.set('delivery', await verify(c.req.raw.headers, body));
    } catch (error) {
      const refusal = error instanceof VerificationError ? error : new MalformedEventError('cannot read the delivery');
      const problem = toProblem(refusal);
      options.onRefused?.(refusal, c);
      return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': PROBLEM_CONTENT_TYPE });
    }
    await next();
  };
}
