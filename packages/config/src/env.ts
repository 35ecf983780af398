import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

const amqpUrlList = z
  .string()
  .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^amqps?$/ })).min(1))
  // One TLS setting serves every node: a mixed list would silently talk plaintext to some.
  .refine((urls) => new Set(urls.map((u) => new URL(u).protocol)).size === 1, 'all URLs must be amqp:// or all amqps://');

/** A PEM file named by the environment: unreadable at boot is a config error, not a crash later. */
const readableFile = z.string().refine((path) => {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}, 'cannot read the file');

/** Environment variables shared by both processes (see CONTRACT.md). */
export function envSchema(defaultPort: number) {
  return z.object({
    AMQP_URL: amqpUrlList.default(['amqp://guest:guest@127.0.0.1:5672']),
    MQ_CONFIG: z.string().default('mq.yaml'),
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
    AMQP_HEARTBEAT_S: z.coerce.number().int().min(0).default(30),
    AMQP_RECONNECT_MIN_MS: z.coerce.number().int().min(1).default(1000),
    AMQP_RECONNECT_MAX_MS: z.coerce.number().int().min(1).default(30_000),
    AMQP_CA_FILE: readableFile.optional(),
    AMQP_CERT_FILE: readableFile.optional(),
    AMQP_KEY_FILE: readableFile.optional(),
    REDIS_URL: z.string().optional(),
  });
}

export type Env = z.output<ReturnType<typeof envSchema>>;
