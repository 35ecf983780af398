import { z } from '@hono/zod-openapi';

/** The admin API's bodies, for `/openapi.json` (the handlers build them; these describe them). */
export const problemSchema = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), code: z.string(), detail: z.string() })
  .openapi('Problem');

export const subscriptionSchema = z
  .object({ name: z.string(), queue: z.string(), deadLetterQueue: z.string().nullable() })
  .openapi('Subscription');

export const subscriptionStatusSchema = z
  .object({
    name: z.string(),
    queue: z.string(),
    ready: z.number().int().nullable().openapi({ description: 'Messages waiting in the work queue (null: unreadable now)' }),
    consumers: z.number().int().nullable().openapi({ description: 'Consumers on the work queue, all processes' }),
    parked: z.number().int().nullable(),
    retrying: z.array(z.object({ delayMs: z.number().int(), messages: z.number().int().nullable() })),
    inFlight: z.number().int(),
    paused: z.boolean(),
    circuit: z.enum(['closed', 'open', 'half-open']),
    deliveriesPerSecond: z.number().openapi({ description: 'Outcomes per second over the last 5 s, this process' }),
  })
  .openapi('SubscriptionStatus');

export const statusSchema = z
  .object({ connection: z.string(), subscriptions: z.array(subscriptionStatusSchema) })
  .openapi('Status');

export const summarySchema = z
  .object({
    id: z.string(),
    reason: z.string().openapi({ description: 'Failure group: `HTTP <status>`, the error class, or `broker: <reason>`' }),
    contentType: z.string().nullable(),
    bodyBytes: z.number().int(),
    attempts: z.number().int(),
    lastError: z.string(),
    parkedReason: z.enum(['exhausted', 'unrecoverable']).nullable(),
    replays: z.number().int(),
    originalExchange: z.string(),
    originalRoutingKey: z.string(),
    firstFailureAt: z.string().datetime(),
    lastFailureAt: z.string().datetime(),
  })
  .openapi('ParkedSummary');

export const parkedMessageSchema = summarySchema
  .extend({ body: z.string(), bodyEncoding: z.enum(['utf8', 'base64']), headers: z.record(z.string(), z.unknown()) })
  .openapi('ParkedMessage');

export const listSchema = z
  .object({ subscription: z.string(), queue: z.string(), messages: z.array(parkedMessageSchema) })
  .openapi('ParkedList');

export const groupsSchema = z
  .object({
    subscription: z.string(),
    total: z.number().int(),
    takenAt: z.string().datetime(),
    groups: z.array(
      z.object({ reason: z.string(), count: z.number().int(), newestFailureAt: z.string(), oldestFailureAt: z.string(), example: z.string() }),
    ),
  })
  .openapi('ParkedGroups');

export const pageSchema = z
  .object({
    subscription: z.string(),
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
    takenAt: z.string().datetime(),
    messages: z.array(summarySchema),
  })
  .openapi('ParkedPage');

export const replayBodySchema = z
  .union([z.object({ all: z.literal(true) }), z.object({ ids: z.array(z.string()).min(1) }), z.object({ reason: z.string().min(1) })])
  .openapi('ReplaySelection');

export const replayResultSchema = z
  .object({
    replayed: z.number().int().openapi({ description: 'Confirmed on the work queue and removed from the dead-letter queue' }),
    failed: z.array(z.object({ id: z.string(), error: z.string() })).openapi({ description: 'Republish failed: these stayed parked' }),
    notParked: z.array(z.string()).openapi({ description: 'Ids asked for that were not parked' }),
    stoppedEarly: z.string().optional().openapi({ description: 'Why the replay stopped before the end; the rest stayed parked' }),
  })
  .openapi('ReplayResult');

export const purgeResultSchema = z.object({ purged: z.number().int(), parked: z.number().int() }).openapi('PurgeResult');
