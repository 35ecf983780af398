/**
 * `@mq/mq`: the messaging core shared by the gateway and the consumer, on rabbitmq-client.
 * This is the one public entry; nothing else is exported.
 */
export { MqError, RetryLaterError, UnrecoverableError, type MqErrorCode } from './errors.js';
export type * from './types.js';
export { MqClient } from './client.js';
export { MemoryDedupStore, type MemoryDedupStoreOptions } from './dedup.js';
export { RedisDedupStore, type RedisDedupStoreOptions } from './redis-dedup-store.js';
export { MQ_HEADERS } from './headers.js';
export { deadLetterQueueName, queuesOf } from './retry.js';
export { DELAY_DELIVERY_EXCHANGE, DELAY_UNIT_MS, DELAY_UNROUTABLE, delayQueueNames, MAX_DELAY_MS } from './delay.js';
export { newMessageId } from './message-id.js';
export { withTimeout } from './with-timeout.js';
export { describeTlsFailure } from './tls-failure.js';
