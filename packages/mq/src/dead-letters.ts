import type { AsyncMessage, Channel, Connection, Envelope, SyncMessage } from 'rabbitmq-client';
import type { ConfirmPublisher } from './confirm-publisher.js';
import { browseChannel } from './dead-letter-browse.js';
import { attemptOf, bodyOf, copiedProperties, MQ_HEADERS, republishHeaders, stringHeader } from './headers.js';
import { deadLetterQueueName } from './retry.js';
import type { DeadLetterAdmin, ParkedMessage, ReplayResult, ReplaySelection } from './types.js';

const DEFAULT_LIST_LIMIT = 100;

/** Headers that describe one failed run; a replay starts a fresh run without them. */
const RUN_HEADERS: string[] = [
  MQ_HEADERS.attempt, MQ_HEADERS.parkedReason, MQ_HEADERS.firstFailureAt, MQ_HEADERS.lastFailureAt, MQ_HEADERS.lastError,
];

type Message = SyncMessage | AsyncMessage;

function parkedId(message: Message): string {
  return message.messageId ?? stringHeader(message, MQ_HEADERS.parkId) ?? '';
}

interface DeathRecord {
  reason?: string;
  exchange?: string;
  'routing-keys'?: string[];
}

/** What the broker recorded when it dead-lettered a message itself (e.g. its delivery limit). */
function brokerDeath(message: Message): { reason: string; exchange?: string; routingKey?: string } | undefined {
  const deaths: unknown = message.headers?.['x-death'];
  const latest = Array.isArray(deaths) ? (deaths[0] as DeathRecord | undefined) : undefined; // most recent first
  if (!latest) return undefined;
  return { reason: latest.reason ?? 'unknown', exchange: latest.exchange, routingKey: latest['routing-keys']?.[0] };
}

/** Exported for tests. */
export function toParked(message: Message): ParkedMessage {
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

/** Runs one operation per queue at a time: a browse holds messages unacked, which a replay or purge running beside it would miss. */
function queueLock(): <T>(queue: string, work: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (queue, work) => {
    const previous = tails.get(queue) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(queue, tail);
    void tail.then(() => {
      if (tails.get(queue) === tail) tails.delete(queue);
    });
    return run;
  };
}

/** A predicate and, for an id selection, the ids still to find (to stop early and to report). */
function selector(selection: ReplaySelection) {
  if (selection === undefined) return { picks: () => true, missing: undefined };
  if (typeof selection === 'function') return { picks: (m: Message) => selection(toParked(m)), missing: undefined };
  const missing = new Set(selection);
  return { picks: (m: Message) => missing.has(parkedId(m)), missing };
}

/**
 * Reads without acking what it only shows: closing the channel hands every read message back
 * in its original order. The dead-letter queue is a classic queue, so these returns do not count
 * towards a quorum queue's delivery limit.
 */
export function createDeadLetterAdmin(conn: Connection, republisher: ConfirmPublisher): DeadLetterAdmin {
  const locked = queueLock();
  async function onChannel<T>(queue: string, work: (ch: Channel, dlq: string) => Promise<T>): Promise<T> {
    return locked(queue, async () => {
      const ch = await conn.acquire();
      try {
        return await work(ch, deadLetterQueueName(queue));
      } finally {
        await ch.close();
      }
    });
  }
  const countOn = async (ch: Channel, dlq: string) => (await ch.queueDeclare({ queue: dlq, passive: true })).messageCount;

  /** One message at a time, each acked only after its confirm; a failed republish leaves it parked. */
  async function replayOn(ch: Channel, dlq: string, queue: string, selection: ReplaySelection): Promise<ReplayResult> {
    const { picks, missing } = selector(selection);
    const result: ReplayResult = { replayed: 0, failed: [], notParked: [] };
    const messageCount = await countOn(ch, dlq);
    try {
      for (let seen = 0; seen < messageCount && missing?.size !== 0; seen++) {
        const message = await ch.basicGet({ queue: dlq });
        if (!message) break;
        if (!picks(message)) continue; // left unacked: returned on close
        missing?.delete(parkedId(message));
        try {
          await republisher.send(replayEnvelope(message, queue), bodyOf(message));
        } catch (error) {
          result.failed.push({ id: parkedId(message), error: (error as Error).message });
          continue;
        }
        ch.basicAck({ deliveryTag: message.deliveryTag });
        result.replayed++;
      }
    } catch (error) {
      result.stoppedEarly = (error as Error).message; // the channel failed: the rest stayed parked
    }
    result.notParked = result.stoppedEarly ? [] : [...(missing ?? [])];
    return result;
  }

  return {
    list: (queue, limit = DEFAULT_LIST_LIMIT) =>
      onChannel(queue, async (ch, dlq) => {
        const parked: ParkedMessage[] = [];
        while (parked.length < limit) {
          const message = await ch.basicGet({ queue: dlq });
          if (!message) break;
          parked.push(toParked(message));
        }
        return parked;
      }),

    browse: (queue, visit) =>
      onChannel(queue, async (ch, dlq) => browseChannel(ch, dlq, await countOn(ch, dlq), (m) => visit(toParked(m)))),

    replay: (queue, selection) => onChannel(queue, (ch, dlq) => replayOn(ch, dlq, queue, selection)),

    purge: (queue, expected) =>
      onChannel(queue, async (ch, dlq) => {
        if (expected !== undefined) {
          const parked = await countOn(ch, dlq);
          if (parked !== expected) return { purged: 0, parked };
        }
        const { messageCount } = await ch.queuePurge({ queue: dlq });
        return { purged: messageCount, parked: messageCount };
      }),
  };
}
