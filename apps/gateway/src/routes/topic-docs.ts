import type { OpenAPIHono } from '@hono/zod-openapi';
import { accepted, publishHeaders, publishQuery } from '../schemas.js';
import type { Topic } from '../topics.js';
import type { AppDeps, GatewayEnv } from './context.js';
import { problemResponses } from './responses.js';

const binary = { schema: { type: 'string', format: 'binary' } } as const;

/** What a topic's body may be: its JSON Schema, else its content types (any when unlisted). */
function bodyContent(topic: Topic) {
  if (topic.jsonSchema) return { 'application/json': { schema: topic.jsonSchema } };
  return Object.fromEntries((topic.contentTypes ?? ['*/*']).map((type) => [type, binary]));
}

/**
 * Documents each configured topic as its own path, with the body schema the gateway enforces for
 * it (the topic's JSON Schema, loaded once at boot), next to the generic `{topic}` route.
 */
export function documentTopics(app: OpenAPIHono<GatewayEnv>, deps: AppDeps): void {
  for (const topic of deps.topics.values()) {
    app.openAPIRegistry.registerPath({
      method: 'post',
      path: `/v1/topics/${topic.name}/messages`,
      summary: `Publish to ${topic.name}`,
      description: `Exchange \`${topic.exchange}\`, routing key \`${topic.routingKey}\`; at most ${topic.maxBytes} bytes; \`Delay\` / \`Not-Before\` at most ${topic.maxDelay / 1000} s ahead.`,
      tags: ['topics'],
      request: {
        ...(topic.allowRoutingKey ? { query: publishQuery } : {}),
        headers: publishHeaders,
        body: { required: true, content: bodyContent(topic) },
      },
      responses: { 202: { description: 'Confirmed by the broker', content: { 'application/json': { schema: accepted } } }, ...problemResponses },
    });
  }
}
