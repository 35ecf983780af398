import { monotonicFactory } from 'ulid';

/**
 * A generator of ULIDs: unique, and sortable by creation time (monotonic within a millisecond),
 * so message ids order like the messages and index well.
 */
export function createMessageIdGenerator(): () => string {
  const next = monotonicFactory();
  return () => next();
}
