import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import * as s from './schemas.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { description: PROBLEM_TEXT[status] ?? 'Error', content: { 'application/problem+json': { schema: s.problemSchema } } }]));
const PROBLEM_TEXT: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED: no or unknown bearer token',
  403: 'FORBIDDEN: the token has no admin rights, or (no tokens configured) the client is not on loopback',
  404: 'UNKNOWN_SUBSCRIPTION or NOT_PARKED',
  409: 'NO_DEAD_LETTER_QUEUE (deadLetter: false), or COUNT_MISMATCH for a purge',
  503: 'BROKER_UNAVAILABLE (with Retry-After)',
};
const common = problems(401, 403, 503);
const deadLetter = problems(400, 401, 403, 404, 409, 503);
const name = z.object({ name: z.string().openapi({ example: 'billing' }) });
const nameId = name.extend({ id: z.string() });
const security = [{ bearer: [] }];

const routes: RouteConfig[] = [
  createRoute({ method: 'get', path: '/v1/subscriptions', summary: 'Subscriptions and their queues', security, responses: { 200: json(z.array(s.subscriptionSchema), 'Subscriptions'), ...common } }),
  createRoute({ method: 'get', path: '/v1/status', summary: 'Live state of every subscription (queue depths, parked, retries, in flight, rate, circuit)', security, responses: { 200: json(s.statusSchema, 'Status'), ...common } }),
  createRoute({
    method: 'get', path: '/v1/subscriptions/{name}/dead-letters', summary: 'Parked messages, oldest first, with bodies; none is removed', security,
    request: { params: name, query: z.object({ limit: z.number().int().min(1).max(1000).default(100).optional() }) },
    responses: { 200: json(s.listSchema, 'Parked messages'), ...deadLetter },
  }),
  createRoute({
    method: 'get', path: '/v1/subscriptions/{name}/dead-letters/groups', summary: 'Parked messages grouped by failure reason, newest failure first', security,
    description: 'Read from a snapshot of the dead-letter queue taken at most 5 s before (`takenAt`); replays and purges refresh it.',
    request: { params: name }, responses: { 200: json(s.groupsSchema, 'Groups'), ...deadLetter },
  }),
  createRoute({
    method: 'get', path: '/v1/subscriptions/{name}/dead-letters/summaries', summary: 'One page of parked messages (no bodies), newest failure first', security,
    request: { params: name, query: z.object({ reason: z.string().optional(), offset: z.number().int().min(0).default(0).optional(), limit: z.number().int().min(1).max(1000).default(100).optional() }) },
    responses: { 200: json(s.pageSchema, 'A page'), ...deadLetter },
  }),
  createRoute({
    method: 'get', path: '/v1/subscriptions/{name}/dead-letters/{id}', summary: 'One parked message with its body and headers', security,
    request: { params: nameId }, responses: { 200: json(s.parkedMessageSchema, 'The message'), ...deadLetter },
  }),
  createRoute({
    method: 'post', path: '/v1/subscriptions/{name}/dead-letters/replay', summary: 'Replay all, some ids, or one failure group to the work queue', security,
    description: 'Each message leaves the dead-letter queue only once the broker confirmed it on the work queue; `failed` lists those that stayed parked.',
    request: { params: name, body: { required: true, content: { 'application/json': { schema: s.replayBodySchema } } } },
    responses: { 200: json(s.replayResultSchema, 'Outcome'), ...deadLetter },
  }),
  createRoute({
    method: 'post', path: '/v1/subscriptions/{name}/dead-letters/{id}/replay', summary: 'Replay one message', security,
    request: { params: nameId }, responses: { 200: json(s.replayResultSchema, 'Outcome'), ...deadLetter },
  }),
  createRoute({
    method: 'delete', path: '/v1/subscriptions/{name}/dead-letters', summary: 'Purge every parked message', security,
    description: 'With `expected`, only if exactly that many are parked (409 COUNT_MISMATCH otherwise, nothing removed).',
    request: { params: name, query: z.object({ expected: z.number().int().min(0).optional() }) },
    responses: { 200: json(s.purgeResultSchema, 'Purged'), ...deadLetter },
  }),
];

/** The admin API's OpenAPI 3.1 document, served at `GET /openapi.json` (built once). */
export function adminOpenApiDocument(): unknown {
  const doc = new OpenAPIHono();
  doc.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A token with `admin: true`' });
  for (const route of routes) doc.openAPIRegistry.registerPath(route);
  return doc.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'mq consumer admin API', version: '1.0.0', description: 'Dead letters of the consumer sidecar: list without losing, group, page, replay, purge.' },
  });
}
