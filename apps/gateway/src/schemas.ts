import { z } from '@hono/zod-openapi';

/**
 * The zod schemas the routes validate with; /openapi.json is generated from these same objects,
 * so the document cannot drift from what is enforced.
 */

/** Same rule as topic names in mq.yaml: safe as a URL segment and as an AMQP name. */
export const topicName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
  .openapi({ param: { name: 'topic', in: 'path' }, example: 'orders' });

/** Becomes AMQP `message-id` (a shortstr): printable ASCII, no spaces, at most 255 bytes. */
export const messageId = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, '1 to 255 printable ASCII characters without spaces')
  .openapi({ example: '01JD2Y5QK3M8V7X1T9R4N6P0AB' });

/** A publish routing key: dot-separated words, no wildcards (they only mean something in bindings). */
export const routingKey = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,255}$/, 'letters, digits, ".", "_" or "-", at most 255')
  .openapi({ example: 'order.created' });

export const topicParams = z.object({ topic: topicName });

export const publishQuery = z.object({
  routingKey: routingKey
    .optional()
    .openapi({ param: { name: 'routingKey', in: 'query' }, description: "Overrides the topic's routing key where the topic allows it." }),
});

export const publishHeaders = z.object({
  'idempotency-key': messageId.optional().openapi({
    param: { name: 'idempotency-key', in: 'header' },
    description: 'Becomes the message id; the consumer processes one id once. Generated (sortable) when absent.',
  }),
  traceparent: z.string().optional().openapi({ param: { name: 'traceparent', in: 'header' }, description: 'W3C trace context, carried into the message.' }),
  delay: z.string().optional().openapi({
    param: { name: 'delay', in: 'header' },
    description: "Hold the message this long before delivery: whole seconds (`900`) or an ISO-8601 duration (`PT15M`, `P1DT2H`; no years or months). At most the topic's `maxDelay`. Not with `Not-Before`.",
    example: 'PT15M',
  }),
  'not-before': z.string().optional().openapi({
    param: { name: 'not-before', in: 'header' },
    description: "Deliver no earlier than this RFC 3339 time; a past time is due at once. At most the topic's `maxDelay` ahead. Not with `Delay`.",
    example: '2026-12-08T09:00:00Z',
  }),
});

const notBefore = z.string().openapi({ format: 'date-time', description: 'Set when a delay was asked for: the message is not delivered before this time.' });

/** Application header names on a message: no `x-` prefix (the broker's and this project's own). */
export const headerName = z.string().regex(/^(?![xX]-)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a header name: letters, digits, ".", "_", "-", not starting with "x-"');
/** Header values that are safe on the wire: no control characters, bounded. */
export const headerValue = z.union([
  z.string().max(1024).regex(/^[^\x00-\x1f\x7f]*$/, 'no control characters'),
  z.number().finite(),
  z.boolean(),
]);

export const accepted = z
  .object({ id: z.string(), topic: z.string(), notBefore: notBefore.optional() })
  .openapi('Accepted', { description: 'The broker confirmed the message into a durable queue.' });

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable error code; see the README table.' }),
    detail: z.string(),
  })
  .passthrough()
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

export const batchMessage = z
  .strictObject({
    data: z.unknown().refine((d) => d !== undefined, 'data is required').openapi({ description: 'The message body, published as application/json.' }),
    id: messageId.optional().openapi({ description: 'Becomes the message id; generated when absent.' }),
    routingKey: routingKey.optional().openapi({ description: "This message's routing key, where the topic allows overrides." }),
    headers: z.record(headerName, headerValue).optional(),
    delay: z.union([z.string(), z.number()]).optional().openapi({
      description: "Hold this message: whole seconds or an ISO-8601 duration such as `PT1M`; at most the topic's `maxDelay`. Not with `notBefore`.",
    }),
    notBefore: z.string().optional().openapi({ format: 'date-time', description: 'Deliver no earlier than this RFC 3339 time. Not with `delay`.' }),
  })
  .openapi('BatchMessage');

/** The batch body, with the configured count limit. */
export function batchRequest(maxMessages: number) {
  return z.strictObject({ messages: z.array(batchMessage).min(1).max(maxMessages) }).openapi('BatchRequest');
}

export const batchResult = z
  .object({
    index: z.number().int(),
    id: z.string(),
    status: z.number().int().openapi({ description: '202 confirmed, else the status that message alone would have had.' }),
    code: z.string().optional(),
    detail: z.string().optional(),
    notBefore: notBefore.optional(),
  })
  .openapi('BatchResult');

export const batchAccepted = z
  .object({ topic: z.string(), results: z.array(batchResult) })
  .openapi('BatchAccepted', { description: 'Every message was confirmed.' });
