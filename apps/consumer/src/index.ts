/**
 * `@mq/consumer`: what a `deliver.module` handler file imports.
 *
 * @example
 * import { UnrecoverableError, type DeliveryHandler } from '@mq/consumer';
 * const handle: DeliveryHandler = async (message) => {
 *   if (!message.body.length) throw new UnrecoverableError('empty body');
 * };
 * export default handle;
 */
export type { DeliveredMessage, DeliveryHandler } from './delivery/module.js';
export { RetryLaterError, UnrecoverableError } from '@mq/mq';
