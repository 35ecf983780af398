import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/**
 * Span attribute names, per the OpenTelemetry messaging semantic conventions for RabbitMQ.
 * The messaging names are still "incubating" upstream, and OpenTelemetry advises copying such
 * names rather than importing them from `/incubating` (which may change between minor versions).
 */
export const ATTR = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destinationName: 'messaging.destination.name',
  routingKey: 'messaging.rabbitmq.destination.routing_key',
  messageId: 'messaging.message.id',
  conversationId: 'messaging.message.conversation_id',
  bodySize: 'messaging.message.body.size',
  deliveryTag: 'messaging.rabbitmq.message.delivery_tag',
  errorType: ATTR_ERROR_TYPE,
  /** Not in the conventions: the 1-based delivery attempt, and the handler's outcome. */
  attempt: 'mq.attempt',
  outcome: 'mq.outcome',
} as const;

export const SYSTEM_RABBITMQ = 'rabbitmq';

/** RabbitMQ names the default exchange `amq.default` in spans (it has an empty name on the wire). */
export function exchangeLabel(exchange: string): string {
  return exchange === '' ? 'amq.default' : exchange;
}
