import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MqError } from '@mq/mq';
import { authorizeTopic, clientAddressOf, enforceRateLimit } from '../auth.js';
import { resolveContentType } from '../content-type.js';
import { ProblemError } from '../errors.js';
import { topicName } from '../schemas.js';
import type { AppDeps, GatewayEnv } from './context.js';

type Guard = MiddlewareHandler<GatewayEnv>;

/**
 * 401 (token) → 400/404 (topic name, unknown topic) → 403 (scope) → 429 (rate). Auth comes first
 * so an unauthenticated client cannot probe which topics exist.
 */
function identify(deps: AppDeps): Guard {
  return async (c, next) => {
    const principal = deps.auth.authenticate(c.req.header('authorization'), clientAddressOf(c.env));
    const name = c.req.param('topic') ?? '';
    if (!topicName.safeParse(name).success) throw new ProblemError(400, 'INVALID_TOPIC_NAME', 'the topic name is not valid');
    const topic = deps.topics.get(name);
    if (!topic) throw new ProblemError(404, 'UNKNOWN_TOPIC', `unknown topic "${name}"`);
    authorizeTopic(principal, name);
    enforceRateLimit(principal);
    c.set('principal', principal);
    c.set('topic', topic);
    await next();
  };
}

/**
 * Refuses at once, before reading the body, when draining, when the broker is blocked or gone, or
 * when too many publishes are in progress: memory stays flat under a flood. Holds a slot until
 * the answer, so a drain waits for exactly the publishes it let in.
 */
function admit(deps: AppDeps): Guard {
  return async (_c, next) => {
    if (deps.lifecycle.draining) {
      throw new ProblemError(503, 'DRAINING', 'the gateway is shutting down; retry on another instance', { retryAfterSeconds: 1 });
    }
    const state = deps.broker.state;
    if (state === 'blocked') throw new MqError('BLOCKED', 'the broker is blocking publishers');
    if (state === 'closed') throw new MqError('NOT_CONNECTED', 'the broker connection is closed');
    const release = deps.publish.admit();
    try {
      await next();
    } finally {
      release();
    }
  };
}

/**
 * hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a full web Request
 * and body stream for every request (found by `npm run bench`: CPU per publish). Node's HTTP
 * parser never hands over more than Content-Length bytes, so a declared length within the limit
 * needs no watching; only bodies without one (chunked) stream through bodyLimit.
 */
function limitBodySize(maxSize: number, tooLarge: () => never): Guard {
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (Number(length) > maxSize) tooLarge();
    return next();
  };
}

/** Content type checked before the body is read; the body limit enforced while it streams in. */
function bodyChecks(deps: AppDeps, kind: 'single' | 'batch'): [Guard, Guard] {
  const tooLarge = (limit: number) => () => {
    throw new ProblemError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`);
  };
  const contentType: Guard = async (c, next) => {
    // The body is published as received, so a coded body would reach consumers undecodable.
    const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      throw new ProblemError(415, 'UNSUPPORTED_CONTENT_ENCODING', 'send the body without Content-Encoding');
    }
    // A batch is JSON; its messages are published as application/json, so the topic must take that.
    c.set('contentType', resolveContentType(c.get('topic'), kind === 'batch' ? 'application/json' : c.req.header('content-type')));
    await next();
  };
  if (kind === 'batch') {
    const limit = deps.limits.batchMaxBytes;
    return [contentType, limitBodySize(limit, tooLarge(limit))];
  }
  const perTopic = new Map([...deps.topics.values()].map((t) => [t.name, limitBodySize(t.maxBytes, tooLarge(t.maxBytes))]));
  const limitBody: Guard = (c, next) => perTopic.get(c.get('topic').name)!(c, next);
  return [contentType, limitBody];
}

/**
 * The middleware every publish route runs, in order, before its validators and handler. A tuple,
 * so a route can take them as its own handlers (hono/combine's `every()` would allocate a
 * composed chain per request).
 */
export function topicGuards(deps: AppDeps, kind: 'single' | 'batch'): [Guard, Guard, Guard, Guard] {
  return [identify(deps), admit(deps), ...bodyChecks(deps, kind)];
}

/** Counts publish requests by topic and status; unknown names share one label value. */
export function countRequests(deps: AppDeps): Guard {
  return async (c, next) => {
    await next();
    const name = c.req.param('topic');
    const topic = name !== undefined && deps.topics.has(name) ? name : 'unknown';
    deps.metrics.countRequest(topic, c.res.status);
  };
}
