import { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * The longest delay `@mq/mq` can hold (its `MAX_DELAY_MS`: 2^24 - 1 units of 100 ms, 19.4 days).
 * Repeated here because this package does not depend on the client; a gateway test checks both agree.
 */
export const MAX_DELAY_MS = (2 ** 24 - 1) * 100;

/** Seconds, or an ISO-8601 duration string; parsed to milliseconds. 0 = the topic takes no delays. */
const maxDelay = z
  .union([z.number().int().min(0).transform((s) => s * 1000), z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'seconds or an ISO-8601 duration such as P7D' });
    return ms ?? 0;
  })])
  .refine((ms) => ms <= MAX_DELAY_MS, `at most ${MAX_DELAY_MS / 1000} s`);

/** Names that are safe as URL path segments and AMQP names alike. */
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" or "-"');
/** AMQP topic routing keys and binding patterns: dot-separated words, `*` and `#` in patterns. */
const routingKey = z.string().max(255).regex(/^[A-Za-z0-9_*#.-]*$/, 'letters, digits, ".", "_", "-", "*" or "#"');

export const topicSchema = z.strictObject({
  exchange: name,
  routingKey: routingKey.default(''),
  allowRoutingKey: z.boolean().default(false),
  /** Path to a JSON Schema (draft 2020-12), relative to the config file. */
  schema: z.string().optional(),
  maxBytes: z.number().int().positive().default(256 * 1024),
  /** Content types a request may carry; a trailing `*` matches any subtype. */
  contentTypes: z.array(z.string()).optional(),
  /** Longest `Delay` / `Not-Before` a publish may ask for, 0 = none; in milliseconds once parsed. */
  maxDelay: maxDelay.default(7 * 86_400_000),
});

export const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).default(5),
  initialDelayMs: z.number().int().min(1).default(1000),
  maxDelayMs: z.number().int().min(1).default(30_000),
  multiplier: z.number().min(1).default(2),
});

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name');

/**
 * Standard Webhooks signing of HTTP deliveries: the env var(s) holding the `whsec_` secret(s).
 * Several names sign each delivery with each secret (rotation); always a list after parsing.
 */
export const signingSchema = z.strictObject({
  // One name is read as a list of one; a preprocess rather than a union, so a bad name is
  // reported as such (a failed union only says "Invalid input").
  env: z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(envName).min(1).max(8)),
});

const deliverUrl = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().positive().default(10_000),
  signing: signingSchema.optional(),
});
const deliverModule = z.strictObject({
  module: z.string().min(1),
  timeoutMs: z.number().int().positive().default(10_000),
});

export const subscriptionSchema = z.strictObject({
  queue: name,
  bind: z.array(z.strictObject({ topic: name, routingKey: routingKey.optional() })).min(1),
  deliver: z.union([deliverUrl, deliverModule]),
  prefetch: z.number().int().min(1).max(65535).default(32),
  concurrency: z.number().int().min(1).default(16),
  retry: retrySchema.prefault({}),
  deadLetter: z.boolean().default(true),
  /** How long a processed message id is remembered for dedup. */
  dedupWindowMs: z.number().int().min(0).default(10 * 60_000),
  /** Pause consuming while the target keeps failing, probe it, resume when it answers again. */
  circuitBreaker: z
    .strictObject({
      /** Consecutive retryable failures that open the circuit; 0 = never open. */
      failureThreshold: z.number().int().min(0).default(5),
      /** First wait before probing; doubles after each failed probe up to `maxOpenMs`. */
      openMs: z.number().int().min(1).default(5_000),
      maxOpenMs: z.number().int().min(1).default(60_000),
    })
    .prefault({}),
});

export const tokenSchema = z.strictObject({
  name: z.string().min(1),
  env: envName,
  publish: z.array(name).default([]),
  /** May use the consumer's dead-letter admin API. */
  admin: z.boolean().default(false),
  /** Requests per second, sustained; bursts up to twice that. */
  rateLimit: z.number().positive().optional(),
});

/** Only asymmetric JWS algorithms: `none` and HS* (a shared secret) are refused at boot. */
const jwtAlgorithm = z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** Bearer JWTs from an identity provider, verified with jose (see CONTRACT.md). */
export const jwtSchema = z
  .strictObject({
    issuer: z.string().min(1),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** PEM (SPKI) public key, relative to the config file. */
    publicKeyFile: z.string().min(1).optional(),
    algorithms: z.array(jwtAlgorithm).min(1).default(['RS256', 'ES256']),
    /** Claim listing the topics a token may publish to; "admin" in it = the consumer's admin API. */
    topicsClaim: z.string().min(1).default('mq_publish'),
    /** Requests per second per subject (`sub`), sustained. */
    rateLimit: z.number().positive().optional(),
  })
  .refine((jwt) => !jwt.jwksUrl !== !jwt.publicKeyFile, { message: 'give exactly one of jwksUrl and publicKeyFile' });

export const mqConfigSchema = z
  .strictObject({
    topics: z.record(name, topicSchema).default({}),
    subscriptions: z.record(name, subscriptionSchema).default({}),
    auth: z.strictObject({ tokens: z.array(tokenSchema).default([]), jwt: jwtSchema.optional() }).prefault({}),
    gateway: z
      .strictObject({
        batchMaxMessages: z.number().int().min(1).default(100),
        batchMaxBytes: z.number().int().min(1).default(1024 * 1024),
        maxInFlight: z.number().int().min(1).default(1024),
        /** How long a publish waits for the broker's confirm before answering 503. */
        confirmTimeoutMs: z.number().int().min(1).default(5000),
        /** How long a publish waits for a (re)connection before answering 503. */
        connectWaitMs: z.number().int().min(0).default(2000),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    for (const [subName, sub] of Object.entries(config.subscriptions)) {
      sub.bind.forEach((binding, i) => {
        if (!(binding.topic in config.topics)) {
          ctx.addIssue({
            code: 'custom',
            path: ['subscriptions', subName, 'bind', i, 'topic'],
            message: `unknown topic "${binding.topic}" (known: ${Object.keys(config.topics).join(', ') || 'none'})`,
          });
        }
      });
    }
    config.auth.tokens.forEach((token, i) => {
      for (const topic of token.publish) {
        if (!(topic in config.topics)) {
          ctx.addIssue({ code: 'custom', path: ['auth', 'tokens', i, 'publish'], message: `unknown topic "${topic}"` });
        }
      }
    });
  });

export type MqConfig = z.output<typeof mqConfigSchema>;
export type TopicConfig = z.output<typeof topicSchema>;
export type SubscriptionConfig = z.output<typeof subscriptionSchema>;
export type RetryConfig = z.output<typeof retrySchema>;
export type TokenConfig = z.output<typeof tokenSchema>;
export type SigningConfig = z.output<typeof signingSchema>;
export type JwtConfig = z.output<typeof jwtSchema>;
