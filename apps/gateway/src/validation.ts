import type { z } from '@hono/zod-openapi';
import { ProblemError, type ProblemCode } from './errors.js';

type Target = 'json' | 'form' | 'query' | 'param' | 'header' | 'cookie';

const MAX_ERRORS = 10;

function codeFor(target: Target, issue: z.core.$ZodIssue): { status: 400 | 413; code: ProblemCode } {
  const [first] = issue.path;
  if (target === 'param') return { status: 400, code: 'INVALID_TOPIC_NAME' };
  if (target === 'query') return { status: 400, code: 'INVALID_ROUTING_KEY' };
  if (target === 'header') return { status: 400, code: first === 'idempotency-key' ? 'INVALID_IDEMPOTENCY_KEY' : 'INVALID_HEADER' };
  if (issue.code === 'too_big' && issue.path.length === 1 && first === 'messages') return { status: 413, code: 'BATCH_TOO_LARGE' };
  if (issue.path.includes('headers')) return { status: 400, code: 'INVALID_HEADER' };
  if (issue.path.at(-1) === 'id') return { status: 400, code: 'INVALID_IDEMPOTENCY_KEY' };
  if (issue.path.at(-1) === 'routingKey') return { status: 400, code: 'INVALID_ROUTING_KEY' };
  return { status: 400, code: 'INVALID_REQUEST' };
}

/** A zod validation failure as the problem for its first issue, listing up to 10 issues. */
export function problemFromZod(target: Target, error: z.ZodError): ProblemError {
  const first = error.issues[0];
  const { status, code } = first ? codeFor(target, first) : { status: 400 as const, code: 'INVALID_REQUEST' as const };
  const errors = error.issues.slice(0, MAX_ERRORS).map((issue) => ({
    pointer: `/${issue.path.map(String).join('/')}`,
    message: issue.message,
  }));
  return new ProblemError(status, code, `invalid ${target === 'json' ? 'body' : target}: ${first?.message ?? 'invalid'}`, {
    members: { errors },
  });
}

/** The zod-openapi hook: every validation failure becomes a problem thrown to `app.onError`. */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError; target: Target }): void {
  if (!result.success) throw problemFromZod(result.target, result.error);
}

/** Validates one optional request field with its documented schema; 400 with `code` otherwise. */
export function checkField<T>(schema: z.ZodType<T>, value: string | undefined, code: ProblemCode, name: string): T | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ProblemError(400, code, `invalid ${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
}

/** {@link checkField} for a query parameter, which must not be repeated. */
export function checkQueryField<T>(schema: z.ZodType<T>, values: string[] | undefined, code: ProblemCode, name: string): T | undefined {
  if (values && values.length > 1) throw new ProblemError(400, code, `invalid ${name}: given more than once`);
  return checkField(schema, values?.[0], code, name);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON body (strict UTF-8); 400 `MALFORMED_JSON` otherwise. */
export function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch {
    throw new ProblemError(400, 'MALFORMED_JSON', 'the body is not valid UTF-8 JSON');
  }
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * The W3C trace headers to carry into the message. Invalid ones are dropped, not rejected, as
 * the W3C spec asks (a new trace starts instead); tracestate and baggage only ride along with a
 * valid traceparent.
 */
export function traceHeaders(get: (name: string) => string | undefined): Record<string, string> {
  const traceparent = get('traceparent')?.trim().toLowerCase();
  if (!traceparent || !TRACEPARENT.test(traceparent)) return {};
  const headers: Record<string, string> = { traceparent };
  const tracestate = get('tracestate');
  if (tracestate && tracestate.length <= 512 && PRINTABLE.test(tracestate)) headers.tracestate = tracestate;
  const baggage = get('baggage');
  if (baggage && baggage.length <= 8192 && PRINTABLE.test(baggage)) headers.baggage = baggage;
  return headers;
}
