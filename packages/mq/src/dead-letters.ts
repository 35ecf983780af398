import type { Channel, Connection, Envelope, SyncMessage } from 'rabbitmq-client';
import type { ConfirmPublisher } from './confirm-publisher.js';
import { attemptOf, bodyOf, copiedProperties, MQ_HEADERS, republishHeaders, stringHeader } from './headers.js';
import { deadLetterQueueName } from './retry.js';
import type { DeadLetterAdmin, ParkedMessage } from './types.js';

const DEFAULT_LIST_LIMIT = 100;

/** Headers that describe one failed run; a replay starts a fresh run without them. */
const RUN_HEADERS: string[] = [
  MQ_HEADERS.attempt, MQ_HEADERS.parkedReason, MQ_HEADERS.firstFailureAt, MQ_HEADERS.lastFailureAt, MQ_HEADERS.lastError,
];

function parkedId(message: SyncMessage): string {
  return message.messageId ?? stringHeader(message, MQ_HEADERS.parkId) ?? '';
}

interface DeathRecord {
  reason?: string;
  exchange?: string;
  'routing-keys'?: string[];
}

/** What the broker recorded when it dead-lettered a message itself (e.g. its delivery limit). */
function brokerDeath(message: SyncMessage): { reason: string; exchange?: string; routingKey?: string } | undefined {
  const deaths: unknown = message.headers?.['x-death'];
  const latest = Array.isArray(deaths) ? (deaths[0] as DeathRecord | undefined) : undefined; // most recent first
  if (!latest) return undefined;
  return { reason: latest.reason ?? 'unknown', exchange: latest.exchange, routingKey: latest['routing-keys']?.[0] };
}

/** Exported for tests. */
export function toParked(message: SyncMessage): ParkedMessage {
  const time = (name: string) => new Date(stringHeader(message, name) ?? 0);
  const death = stringHeader(message, MQ_HEADERS.lastError) === undefined ? brokerDeath(message) : undefined;
  return {
    id: parkedId(message),
    body: bodyOf(message),
    contentType: message.contentType,
    headers: { ...message.headers },
    attempts: attemptOf(message),
    lastError: stringHeader(message, MQ_HEADERS.lastError) ?? (death ? `dead-lettered by the broker: ${death.reason}` : ''),
    originalExchange: stringHeader(message, MQ_HEADERS.originalExchange) ?? death?.exchange ?? message.exchange,
    originalRoutingKey: stringHeader(message, MQ_HEADERS.originalRoutingKey) ?? death?.routingKey ?? message.routingKey,
    firstFailureAt: time(MQ_HEADERS.firstFailureAt),
    lastFailureAt: time(MQ_HEADERS.lastFailureAt),
  };
}

/**
 * Back to the work queue through the default exchange (only that queue, not every binding of the
 * original exchange). The attempt count restarts; `traceparent` is kept, so the replayed attempts
 * join the message's original trace.
 */
function replayEnvelope(message: SyncMessage, queue: string): Envelope {
  const headers = republishHeaders(message.headers);
  for (const name of RUN_HEADERS) delete headers[name];
  // A replay is the operator's new delivery, not a delayed one: its due time passed long ago
  // (and would count as hours of lateness).
  delete headers[MQ_HEADERS.notBefore];
  headers[MQ_HEADERS.replayCount] = Number(message.headers?.[MQ_HEADERS.replayCount] ?? 0) + 1;
  headers[MQ_HEADERS.originalExchange] ??= message.exchange;
  headers[MQ_HEADERS.originalRoutingKey] ??= message.routingKey;
  return { ...copiedProperties(message), exchange: '', routingKey: queue, headers };
}

/**
 * Reads with basic.get and never acks what it only shows: closing the channel hands every read
 * message back in its original order. The dead-letter queue is a classic queue, so these
 * returns do not count towards a quorum queue's delivery limit.
 */
export function createDeadLetterAdmin(conn: Connection, republisher: ConfirmPublisher): DeadLetterAdmin {
  async function onChannel<T>(work: (ch: Channel) => Promise<T>): Promise<T> {
    const ch = await conn.acquire();
    try {
      return await work(ch);
    } finally {
      await ch.close();
    }
  }

  return {
    list: (queue, limit = DEFAULT_LIST_LIMIT) =>
      onChannel(async (ch) => {
        const parked: ParkedMessage[] = [];
        while (parked.length < limit) {
          const message = await ch.basicGet({ queue: deadLetterQueueName(queue) });
          if (!message) break;
          parked.push(toParked(message));
        }
        return parked;
      }),

    replay: (queue, ids) =>
      onChannel(async (ch) => {
        const wanted = ids ? new Set(ids) : undefined;
        const { messageCount } = await ch.queueDeclare({ queue: deadLetterQueueName(queue), passive: true });
        let replayed = 0;
        for (let seen = 0; seen < messageCount; seen++) {
          const message = await ch.basicGet({ queue: deadLetterQueueName(queue) });
          if (!message) break;
          if (wanted && !wanted.has(parkedId(message))) continue; // left unacked: returned on close
          await republisher.send(replayEnvelope(message, queue), bodyOf(message));
          ch.basicAck({ deliveryTag: message.deliveryTag });
          replayed++;
        }
        return { replayed };
      }),

    purge: (queue) =>
      onChannel(async (ch) => {
        const { messageCount } = await ch.queuePurge({ queue: deadLetterQueueName(queue) });
        return { purged: messageCount };
      }),
  };
}
