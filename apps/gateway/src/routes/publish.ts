import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ProblemError } from '../errors.js';
import { isJson } from '../content-type.js';
import { resolveDelay } from '../delay.js';
import { accepted, messageId, publishHeaders, publishQuery, routingKey as routingKeySchema, topicParams } from '../schemas.js';
import type { Topic } from '../topics.js';
import { checkField, checkQueryField, parseJson, traceHeaders } from '../validation.js';
import type { AppDeps, GatewayEnv } from './context.js';
import { topicGuard } from './guards.js';
import { problemResponses } from './responses.js';

/** The routing key to publish with: the topic's, or the request's where the topic allows it. */
export function chooseRoutingKey(topic: Topic, requested: string | undefined): string {
  if (requested === undefined) return topic.routingKey;
  if (!topic.allowRoutingKey) {
    throw new ProblemError(400, 'ROUTING_KEY_NOT_ALLOWED', `topic "${topic.name}" does not allow a routingKey override`);
  }
  return requested;
}

/** Throws 422 with the issues when the data does not match the topic's schema. */
export function checkSchema(topic: Topic, data: unknown, index?: number): void {
  if (!topic.validate) return;
  const issues = topic.validate(data);
  if (issues.length > 0) {
    const where = index === undefined ? 'the body' : `message ${index}`;
    throw new ProblemError(422, 'SCHEMA_VIOLATION', `${where} does not match the schema of topic "${topic.name}"`, {
      members: { errors: issues.map((i) => ({ ...i, ...(index === undefined ? {} : { index }) })) },
    });
  }
}

/** POST /v1/topics/{topic}/messages: one message, 202 only after the broker confirmed it. */
export function registerPublishRoute(app: OpenAPIHono<GatewayEnv>, deps: AppDeps): void {
  const route = createRoute({
    method: 'post',
    path: '/v1/topics/{topic}/messages',
    summary: 'Publish one message',
    description: "The body is the message, in any content type the topic accepts; JSON is checked against the topic's schema.",
    request: {
      params: topicParams,
      query: publishQuery,
      headers: publishHeaders,
      body: { required: true, content: { '*/*': { schema: z.string().openapi({ format: 'binary' }) } } },
    },
    responses: { 202: { description: 'Confirmed by the broker', content: { 'application/json': { schema: accepted } } }, ...problemResponses },
  });

  // Registered for the document, served by a plain route: the handler checks the few fields it
  // reads with the same schemas, instead of validating every header and query parameter.
  app.openAPIRegistry.registerPath(route);
  app.post('/v1/topics/:topic/messages', topicGuard(deps, 'single'), async (c) => {
    const topic = c.get('topic');
    const routingKey = chooseRoutingKey(topic, checkQueryField(routingKeySchema, c.req.queries('routingKey'), 'INVALID_ROUTING_KEY', 'routingKey'));
    const id = checkField(messageId, c.req.header('idempotency-key'), 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key') ?? deps.newMessageId();
    const delay = resolveDelay(topic, { delay: c.req.header('delay'), notBefore: c.req.header('not-before') });
    const contentType = c.get('contentType');
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (isJson(contentType.mediaType)) checkSchema(topic, parseJson(body));
    await deps.publish.publish(topic.name, {
      exchange: topic.exchange,
      routingKey,
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      contentType: contentType.header,
      messageId: id,
      headers: traceHeaders((name) => c.req.header(name)),
      ...(delay && { delayMs: delay.delayMs, notBefore: delay.notBefore }),
    });
    return c.json(delay ? { id, topic: topic.name, notBefore: delay.notBefore.toISOString() } : { id, topic: topic.name }, 202);
  });
}
