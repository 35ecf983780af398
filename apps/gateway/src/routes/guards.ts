import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MqError } from '@mq/mq';
import { authorizeTopic, clientAddressOf, enforceRateLimit, type Principal } from '../auth.js';
import { rememberingContentTypes } from '../content-type.js';
import { ProblemError } from '../errors.js';
import { topicName } from '../schemas.js';
import type { Topic } from '../topics.js';
import type { AppDeps, GatewayEnv } from './context.js';

type Guard = MiddlewareHandler<GatewayEnv>;
type ContentTypeResolver = ReturnType<typeof rememberingContentTypes>;

/**
 * 401 (token) → 400/404 (topic name, unknown topic) → 403 (scope) → 429 (rate). Auth comes first
 * so an unauthenticated client cannot probe which topics exist. Static tokens and in-memory
 * limits stay synchronous; only a JWT or a shared (Redis) limit awaits.
 */
function identify(deps: AppDeps, c: Context<GatewayEnv>): void | Promise<void> {
  const authenticated = deps.auth.authenticate(c.req.header('authorization'), clientAddressOf(c.env));
  if (authenticated instanceof Promise) return authenticated.then((principal) => scope(deps, c, principal));
  return scope(deps, c, authenticated);
}

function scope(deps: AppDeps, c: Context<GatewayEnv>, principal: Principal): void | Promise<void> {
  const name = c.req.param('topic') ?? '';
  const topic = deps.topics.get(name);
  if (!topic) {
    // The config only holds valid names, so only an unknown one needs checking.
    if (!topicName.safeParse(name).success) throw new ProblemError(400, 'INVALID_TOPIC_NAME', 'the topic name is not valid');
    throw new ProblemError(404, 'UNKNOWN_TOPIC', `unknown topic "${name}"`);
  }
  authorizeTopic(principal, name);
  c.set('principal', principal);
  c.set('topic', topic);
  return enforceRateLimit(deps.rateLimiter, principal);
}

/**
 * Refuses at once, before reading the body, when draining, when the broker is blocked or gone, or
 * when too many publishes are in progress: memory stays flat under a flood. Returns the slot's
 * release; the slot is held until the answer, so a drain waits for exactly the publishes it let in.
 */
function admit(deps: AppDeps): () => void {
  if (deps.lifecycle.draining) {
    throw new ProblemError(503, 'DRAINING', 'the gateway is shutting down; retry on another instance', { retryAfterSeconds: 1 });
  }
  const state = deps.broker.state;
  if (state === 'blocked') throw new MqError('BLOCKED', 'the broker is blocking publishers');
  if (state === 'closed') throw new MqError('NOT_CONNECTED', 'the broker connection is closed');
  return deps.publish.admit();
}

/** Content type checked before the body is read; a batch is JSON, published as application/json. */
function checkContentType(c: Context<GatewayEnv>, kind: 'single' | 'batch', resolve: ContentTypeResolver): void {
  // The body is published as received, so a coded body would reach consumers undecodable.
  const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new ProblemError(415, 'UNSUPPORTED_CONTENT_ENCODING', 'send the body without Content-Encoding');
  }
  c.set('contentType', resolve(c.get('topic'), kind === 'batch' ? 'application/json' : c.req.header('content-type')));
}

function tooLarge(limit: number): () => never {
  return () => {
    throw new ProblemError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`);
  };
}

/**
 * hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a full web Request
 * and body stream for every request (found by `npm run bench`: CPU per publish). Node's HTTP
 * parser never hands over more than Content-Length bytes, so a declared length within the limit
 * needs no watching; only bodies without one (chunked) stream through bodyLimit.
 */
function limitBodySize(maxSize: number): Guard {
  const refuse = tooLarge(maxSize);
  const streamed = bodyLimit({ maxSize, onError: refuse });
  return (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (Number(length) > maxSize) refuse();
    return next();
  };
}

/**
 * Everything a publish route checks, in order, before its validators and handler: who, which
 * topic, admission, content type, then the body limit while the body streams in. One middleware
 * with plain checks, not a chain of four: each layer of a chain costs a promise per request.
 */
export function topicGuard(deps: AppDeps, kind: 'single' | 'batch'): Guard {
  const batchLimit = limitBodySize(deps.limits.batchMaxBytes);
  const topicLimits = new Map([...deps.topics.values()].map((t) => [t.name, limitBodySize(t.maxBytes)]));
  const resolveContentType = rememberingContentTypes();
  return async (c, next) => {
    const identified = identify(deps, c);
    if (identified) await identified;
    const release = admit(deps);
    try {
      checkContentType(c, kind, resolveContentType);
      const limitBody = kind === 'batch' ? batchLimit : topicLimits.get(c.get('topic').name)!;
      await limitBody(c, next);
    } finally {
      release();
    }
  };
}

const TOPICS_PREFIX = '/v1/topics/';

/**
 * Counts a request under `/v1/topics/` by topic and status, once answered; names not in the
 * config share the label `unknown`. Called from the app's one after-answer middleware rather than
 * being a middleware of its own (a layer costs a promise per request).
 */
export function countTopicRequest(deps: AppDeps, path: string, topic: Topic | undefined, status: number): void {
  if (!path.startsWith(TOPICS_PREFIX)) return;
  // The guard sets the topic once it is known; a request refused before that names it in its path.
  const end = path.indexOf('/', TOPICS_PREFIX.length);
  const name = topic?.name ?? path.slice(TOPICS_PREFIX.length, end === -1 ? undefined : end);
  deps.metrics.countRequest(deps.topics.has(name) ? name : 'unknown', status);
}
