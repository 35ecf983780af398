import type { IncomingMessage, ServerResponse } from 'node:http';
import { MalformedEventError, PROBLEM_CONTENT_TYPE, toProblem, VerificationError } from './errors.js';
import type { DeliveryEvent } from './event.js';
import { createDeliveryVerifier, type VerifyOptions } from './verify.js';

/**
 * Verifies a Node `(req, res)` request; resolves with the event, or with `undefined` after it has
 * answered `res` with the 401/400 problem+json (so the caller only returns). Never rejects for a
 * bad delivery.
 */
export type NodeDeliveryVerifier = <T = unknown>(req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<DeliveryEvent<T> | undefined>;

/**
 * A verifier for `node:http` (and Express, Fastify's raw req/res...). It reads the body itself,
 * or takes the exact bytes from `req.body` when a raw body parser (`express.raw()`) already read
 * them; a parsed JSON `req.body` cannot be verified (its bytes are gone) and is refused.
 * Throws a `TypeError` now when a secret is not a valid secret.
 *
 * @example
 * const verify = createNodeVerifier({ secrets: process.env.ORDERS_SIGNING_SECRET! });
 * createServer(async (req, res) => {
 *   const event = await verify(req, res);
 *   if (!event) return;
 *   res.writeHead(204).end();
 * });
 */
export function createNodeVerifier(options: VerifyOptions): NodeDeliveryVerifier {
  const verify = createDeliveryVerifier(options);
  return async <T>(req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    try {
      return await verify<T>(toHeaders(req), await readBody(req));
    } catch (error) {
      const refusal = error instanceof VerificationError ? error : new MalformedEventError('cannot read the delivery');
      const problem = toProblem(refusal);
      if (!res.headersSent) res.writeHead(problem.status, { 'content-type': PROBLEM_CONTENT_TYPE });
      res.end(JSON.stringify(problem));
      return undefined;
    }
  };
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

async function readBody(req: IncomingMessage & { body?: unknown }): Promise<Uint8Array> {
  if (req.body instanceof Uint8Array) return req.body;
  if (req.body !== undefined) throw new MalformedEventError('req.body was already parsed; verify the raw bytes (e.g. express.raw())');
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array));
  return Buffer.concat(chunks);
}
