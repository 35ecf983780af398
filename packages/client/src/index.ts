export { createPublisher, type Publisher } from './publisher.js';
export type { PublisherOptions, RetryOptions } from './options.js';
export type { PublishOptions } from './publish-one.js';
export type { BatchAccepted, BatchMessage, PublishBatchOptions } from './publish-batch.js';
export type { Accepted } from './gateway-client.js';
export type { MessageData } from './body.js';
export { PublishBatchError, PublishError, type BatchEntryOutcome, type ClientErrorCode, type Problem } from './errors.js';
export { parseRetryAfter } from './retry-policy.js';
