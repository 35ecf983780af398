import { AMQPChannelError, AMQPConnectionError, type Channel, type Connection } from 'rabbitmq-client';
import { MqError } from './errors.js';
import { delayLevelCount, delayMirrorPattern, DELAY_DELIVERY_EXCHANGE, deliveryDeclarations, levelDeclarations } from './delay.js';
import { deadLetterQueueName, delayTiers, retryQueueName } from './retry.js';
import type { QueueSpec, Topology } from './types.js';

type Declaration = { what: string; run: (ch: Channel) => Promise<unknown> };

/**
 * Work queues are quorum queues (replicated, durable); a full one nacks publishes. With a
 * dead-letter queue, whatever the broker itself dead-letters lands there too: on RabbitMQ 4.x a
 * quorum queue drops a message returned more than 20 times (its default delivery limit) unless it
 * has somewhere to send it.
 */
function workQueueArguments(spec: QueueSpec): Record<string, unknown> {
  const args: Record<string, unknown> = { 'x-queue-type': 'quorum', 'x-overflow': 'reject-publish' };
  if (spec.maxLength !== undefined) args['x-max-length'] = spec.maxLength;
  if (spec.deadLetter) {
    Object.assign(args, {
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': deadLetterQueueName(spec.name),
      'x-dead-letter-strategy': 'at-least-once',
    });
  }
  return args;
}

/**
 * A delay queue: nobody consumes it; after the TTL the broker dead-letters each message back to
 * the work queue through the default exchange. At-least-once dead-lettering (quorum only, 3.10+)
 * makes that hand-over safe, and it requires `reject-publish`.
 */
function retryQueueArguments(queue: string, delayMs: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': delayMs,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/**
 * The dead-letter queue is a classic queue on purpose: listing it means get + requeue, and a
 * quorum queue counts each requeue towards its delivery limit (20 by default on 4.x) and would
 * eventually drop what we only wanted to look at.
 */
const deadLetterArguments = { 'x-queue-type': 'classic' };

function queueDeclarations(spec: QueueSpec): Declaration[] {
  const queue = (name: string, args: Record<string, unknown>): Declaration => ({
    what: `queue "${name}"`,
    run: (ch) => ch.queueDeclare({ queue: name, durable: true, arguments: args }),
  });
  return [
    ...(spec.deadLetter ? [queue(deadLetterQueueName(spec.name), deadLetterArguments)] : []),
    queue(spec.name, workQueueArguments(spec)),
    ...spec.bindings.map((b): Declaration => ({
      what: `binding of queue "${spec.name}" to exchange "${b.exchange}" (${b.routingKey})`,
      run: (ch) => ch.queueBind({ queue: spec.name, exchange: b.exchange, routingKey: b.routingKey }),
    })),
    // The mirror of each binding on the delay delivery exchange: delayed messages reach this queue
    // at due time exactly when an undelayed one to the same exchange and routing key would.
    ...spec.bindings.map((b): Declaration => ({
      what: `delayed-delivery binding of queue "${spec.name}" (${b.exchange}, ${b.routingKey})`,
      run: (ch) => ch.queueBind({ queue: spec.name, exchange: DELAY_DELIVERY_EXCHANGE, routingKey: delayMirrorPattern(b.exchange, b.routingKey) }),
    })),
    ...delayTiers(spec.retry).map((d) => queue(retryQueueName(spec.name, d), retryQueueArguments(spec.name, d))),
  ];
}

/** Everything to declare, in order: exchanges first so bindings find them. */
export function declarations(topology: Topology): Declaration[] {
  return [
    ...topology.exchanges.map((name): Declaration => ({
      what: `exchange "${name}"`,
      run: (ch) => ch.exchangeDeclare({ exchange: name, type: 'topic', durable: true }),
    })),
    ...deliveryDeclarations(),
    ...levelDeclarations(delayLevelCount(topology.maxDelayMs ?? 0)),
    ...topology.queues.flatMap(queueDeclarations),
  ];
}

/**
 * Declares the topology on a channel of its own (a failed declaration closes its channel).
 * A clash with what the broker already has becomes `TOPOLOGY_MISMATCH` naming what clashed.
 */
export async function declareTopology(conn: Connection, topology: Topology): Promise<void> {
  const ch = await conn.acquire();
  let current = 'topology';
  try {
    for (const declaration of declarations(topology)) {
      current = declaration.what;
      await declaration.run(ch);
    }
  } catch (error) {
    const refusedByBroker = error instanceof AMQPChannelError && !(error instanceof AMQPConnectionError) && error.code !== 'CH_CLOSE';
    if (refusedByBroker) {
      const clash = error.code === 'PRECONDITION_FAILED' ? 'exists with different settings' : 'was refused';
      throw new MqError('TOPOLOGY_MISMATCH', `${current} ${clash}: ${error.message}`, { cause: error });
    }
    throw new MqError('NOT_CONNECTED', `declaring ${current} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await ch.close();
  }
}
