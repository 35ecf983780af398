import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { OutgoingMessage } from '@mq/mq';
import { resolveDelay } from '../delay.js';
import { ProblemError, toProblem } from '../errors.js';
import { batchAccepted, batchRequest, publishQuery, topicParams } from '../schemas.js';
import type { Topic } from '../topics.js';
import { traceHeaders } from '../validation.js';
import type { AppDeps, GatewayEnv } from './context.js';
import { topicGuard } from './guards.js';
import { checkSchema, chooseRoutingKey } from './publish.js';
import { problemResponses } from './responses.js';

interface BatchInput {
  data?: unknown;
  id?: string | undefined;
  routingKey?: string | undefined;
  headers?: Record<string, string | number | boolean> | undefined;
  delay?: string | number | undefined;
  notBefore?: string | undefined;
}

interface BatchResult {
  index: number;
  id: string;
  status: number;
  code?: string;
  detail?: string;
  notBefore?: string;
}

/** Builds every message first, so any invalid one rejects the whole batch with nothing published. */
function prepare(topic: Topic, routingKey: string, inputs: BatchInput[], deps: AppDeps, trace: Record<string, string>): OutgoingMessage[] {
  const seen = new Set<string>();
  return inputs.map((input, index) => {
    const id = input.id ?? deps.newMessageId();
    if (seen.has(id)) throw new ProblemError(400, 'DUPLICATE_MESSAGE_ID', `message ${index} repeats id "${id}"`);
    seen.add(id);
    checkSchema(topic, input.data, index);
    const delay = resolveDelay(topic, input, { index });
    const key = input.routingKey === undefined ? routingKey : chooseRoutingKey(topic, input.routingKey);
    const body = Buffer.from(JSON.stringify(input.data));
    if (body.length > topic.maxBytes) {
      throw new ProblemError(413, 'PAYLOAD_TOO_LARGE', `message ${index} is larger than ${topic.maxBytes} bytes`);
    }
    // The publisher copies the headers, so messages without their own can share the trace headers.
    const headers = input.headers ? { ...input.headers, ...trace } : trace;
    const delayed = delay && { delayMs: delay.delayMs, notBefore: delay.notBefore };
    return { exchange: topic.exchange, routingKey: key, body, contentType: 'application/json', messageId: id, headers, ...delayed };
  });
}

/**
 * A batch is a success only when every message was confirmed. Otherwise the answer carries the
 * worst status (so a client that checks only the status never mistakes it for success) and the
 * per-message results say which ones were stored.
 */
function successOrThrow(topic: Topic, results: BatchResult[], failures: ProblemError[]) {
  if (failures.length === 0) return { topic: topic.name, results };
  const worst = failures.reduce((a, b) => (b.status > a.status ? b : a));
  const retryAfter = Math.max(...failures.map((f) => f.options.retryAfterSeconds ?? 0));
  const allSame = failures.length === results.length && failures.every((f) => f.code === worst.code);
  throw new ProblemError(worst.status, allSame ? worst.code : 'BATCH_FAILED', `${failures.length} of ${results.length} messages were not published`, {
    retryAfterSeconds: retryAfter > 0 ? retryAfter : undefined,
    members: { topic: topic.name, results },
  });
}

/** POST /v1/topics/{topic}/messages/batch: all messages published in parallel, per-message results. */
export function registerBatchRoute(app: OpenAPIHono<GatewayEnv>, deps: AppDeps): void {
  const route = createRoute({
    method: 'post',
    path: '/v1/topics/{topic}/messages/batch',
    summary: 'Publish a batch of JSON messages',
    description: `Up to ${deps.limits.batchMaxMessages} messages and ${deps.limits.batchMaxBytes} bytes. 202 only when every message was confirmed; otherwise problem+json with per-message \`results\`.`,
    middleware: [topicGuard(deps, 'batch')],
    request: {
      params: topicParams,
      query: publishQuery,
      body: { required: true, content: { 'application/json': { schema: batchRequest(deps.limits.batchMaxMessages) } } },
    },
    responses: { 202: { description: 'Every message confirmed', content: { 'application/json': { schema: batchAccepted } } }, ...problemResponses },
  });

  app.openapi(route, async (c) => {
    const topic = c.get('topic');
    const routingKey = chooseRoutingKey(topic, c.req.valid('query').routingKey);
    const messages = prepare(topic, routingKey, c.req.valid('json').messages, deps, traceHeaders((n) => c.req.header(n)));
    const settled = await deps.publish.publishAll(topic.name, messages);
    const failures: ProblemError[] = [];
    const results = settled.map((outcome, index): BatchResult => {
      const id = messages[index]!.messageId!;
      const due = messages[index]!.notBefore;
      if (outcome.status === 'fulfilled') return due ? { index, id, status: 202, notBefore: due.toISOString() } : { index, id, status: 202 };
      const problem = toProblem(outcome.reason);
      failures.push(problem);
      return { index, id, status: problem.status, code: problem.code, detail: problem.detail };
    });
    return c.json(successOrThrow(topic, results, failures), 202);
  });
}
