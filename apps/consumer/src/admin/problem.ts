import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An RFC 9457 problem+json answer with a stable `code`. */
export function problem(c: Context, status: ContentfulStatusCode, code: string, detail: string): Response {
  return c.body(JSON.stringify({ type: 'about:blank', title: code, status, code, detail }), status, {
    'content-type': 'application/problem+json',
  });
}
