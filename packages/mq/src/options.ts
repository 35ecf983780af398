import type { ConnectionOptions, MqLogger, PublisherOptions, RetryPolicy } from './types.js';

/** Connection options with every default filled in. */
export type NormalizedConnectionOptions = Required<Omit<ConnectionOptions, 'tls' | 'connectionName'>> &
  Pick<ConnectionOptions, 'tls' | 'connectionName'>;

export const connectionDefaults = {
  heartbeatSeconds: 30,
  reconnectInitialDelayMs: 1000,
  reconnectMaxDelayMs: 30_000,
} as const;

export const publisherDefaults: Required<Omit<PublisherOptions, 'appId'>> = {
  confirmTimeoutMs: 5000,
  connectWaitMs: 2000,
  maxInFlight: 1024,
};

export const consumerDefaults = { prefetch: 32, concurrency: 16, closeTimeoutMs: 25_000, dedupClaimMs: 60_000 } as const;

export const retryDefaults: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  multiplier: 2,
};

const silentLogger: MqLogger = { debug() {}, info() {}, warn() {}, error() {} };

function assertPositive(name: string, value: number, min = 0): void {
  if (!Number.isFinite(value) || value < min) throw new TypeError(`${name} must be a number >= ${min}`);
}

/** Fills defaults and rejects nonsense, so the rest of the code can trust its options. */
export function normalizeConnectionOptions(options: ConnectionOptions): NormalizedConnectionOptions {
  if (options.urls.length === 0) throw new TypeError('urls must name at least one broker');
  for (const url of options.urls) {
    const protocol = new URL(url).protocol;
    if (protocol !== 'amqp:' && protocol !== 'amqps:') throw new TypeError(`unsupported broker URL scheme: ${protocol}`);
  }
  // One TLS setting serves every node: a mixed list would silently talk plaintext to some.
  if (new Set(options.urls.map((url) => new URL(url).protocol)).size > 1) throw new TypeError('broker URLs must all be amqp:// or all amqps://');
  const normalized = { ...connectionDefaults, logger: silentLogger, ...stripUndefined(options), urls: options.urls };
  assertPositive('heartbeatSeconds', normalized.heartbeatSeconds);
  assertPositive('reconnectInitialDelayMs', normalized.reconnectInitialDelayMs, 1);
  assertPositive('reconnectMaxDelayMs', normalized.reconnectMaxDelayMs, normalized.reconnectInitialDelayMs);
  return normalized;
}

export function normalizePublisherOptions(options: PublisherOptions = {}): Required<Omit<PublisherOptions, 'appId'>> & PublisherOptions {
  const normalized = { ...publisherDefaults, ...stripUndefined(options) };
  assertPositive('confirmTimeoutMs', normalized.confirmTimeoutMs, 1);
  assertPositive('connectWaitMs', normalized.connectWaitMs);
  assertPositive('maxInFlight', normalized.maxInFlight, 1);
  return normalized;
}

export function normalizeRetryPolicy(policy: Partial<RetryPolicy> = {}): RetryPolicy {
  const normalized = { ...retryDefaults, ...stripUndefined(policy) };
  assertPositive('maxAttempts', normalized.maxAttempts, 1);
  assertPositive('initialDelayMs', normalized.initialDelayMs, 1);
  assertPositive('maxDelayMs', normalized.maxDelayMs, normalized.initialDelayMs);
  assertPositive('multiplier', normalized.multiplier, 1);
  return normalized;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
