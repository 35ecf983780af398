// An in-process handler: the consumer imports this module once at boot and calls its default
// export for each message, instead of POSTing to an app (`deliver: {module: ./handler.mjs}`).
// Resolve = done (ack). Throw UnrecoverableError = park in the dead-letter queue now. Throw
// RetryLaterError(delayMs) = retry after that delay. Any other error = retry with backoff.
import { UnrecoverableError } from '@mq/consumer';

/** @param {import('@mq/consumer').DeliveredMessage} message */
export default async function handle(message) {
  let order;
  try {
    order = JSON.parse(message.body.toString('utf8'));
  } catch {
    // Retrying cannot fix a body that is not JSON: park it with the reason.
    throw new UnrecoverableError('body is not JSON');
  }
  // Real work goes here (and should stop when message.signal aborts: the delivery timed out).
  console.log(JSON.stringify({ handled: message.messageId, subscription: message.subscription, attempt: message.attempt, order }));
}
