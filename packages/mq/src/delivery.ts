import { setTimeout as delay } from 'node:timers/promises';
import { ConsumerStatus, type AsyncMessage } from 'rabbitmq-client';
import { ATTR } from './attributes.js';
import type { ConfirmPublisher } from './confirm-publisher.js';
import { parkEnvelope, retryEnvelope } from './failures.js';
import { applicationHeaders, attemptOf, bodyOf, MQ_HEADERS, stringHeader } from './headers.js';
import { recordFailure, traceProcess } from './propagation.js';
import { decideRetry } from './retry.js';
import type { ConsumerOptions, DeliveryOutcome, IncomingMessage, MessageHandler, MqLogger, OutcomeEvent, QueueSpec } from './types.js';

/** After failing to move a failed message on, wait this long before handing it back to its queue. */
const REQUEUE_BACKOFF_MS = 1000;

export interface DeliveryDeps {
  spec: QueueSpec;
  handler: MessageHandler;
  republisher: ConfirmPublisher;
  dedup: ConsumerOptions['dedup'];
  logger: MqLogger;
  emitOutcome: (event: OutcomeEvent) => void;
  /** True once `close()` gave up waiting: the message is redelivered, so do nothing more with it. */
  abandoned: () => boolean;
}

export function toIncomingMessage(raw: AsyncMessage, queue: string): IncomingMessage {
  return {
    body: bodyOf(raw),
    contentType: raw.contentType,
    messageId: raw.messageId,
    timestamp: raw.timestamp ? new Date(raw.timestamp * 1000) : undefined,
    exchange: stringHeader(raw, MQ_HEADERS.originalExchange) ?? raw.exchange,
    routingKey: stringHeader(raw, MQ_HEADERS.originalRoutingKey) ?? raw.routingKey,
    headers: applicationHeaders(raw.headers),
    attempt: attemptOf(raw),
    queue,
  };
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/**
 * Handles one delivery and says how to settle it. Failures never requeue in place: they move to
 * a delay queue or the dead-letter queue (publish confirmed first, then ack), so a poison message
 * cannot spin. Only when that move itself fails does the message go back, after a pause.
 */
export function deliver(deps: DeliveryDeps, raw: AsyncMessage): Promise<ConsumerStatus> {
  // Not `async`: it only returns traceProcess's promise, and an async wrapper would add a promise
  // and two microtask hops to every delivery. Its caller awaits it, so a throw here still rejects.
  const message = toIncomingMessage(raw, deps.spec.name);
  const started = performance.now();
  const info = {
    queue: message.queue, routingKey: message.routingKey, messageId: message.messageId, correlationId: raw.correlationId,
    bodySize: message.body.length, deliveryTag: raw.deliveryTag, attempt: message.attempt,
  };
  return traceProcess(info, raw.headers ?? {}, async (span) => {
    const finish = (outcome: DeliveryOutcome, error?: Error) => {
      span.setAttribute(ATTR.outcome, outcome);
      deps.emitOutcome({ queue: message.queue, outcome, message, durationMs: performance.now() - started, ...(error ? { error } : {}) });
    };
    const dedupKey = message.messageId && deps.dedup ? `${message.queue}:${message.messageId}` : undefined;
    if (dedupKey && (await seen(deps, dedupKey))) {
      finish('duplicate');
      return ConsumerStatus.ACK;
    }
    try {
      await deps.handler(message);
    } catch (thrown) {
      const error = asError(thrown);
      recordFailure(span, error);
      if (deps.abandoned()) return ConsumerStatus.REQUEUE;
      return moveFailed(deps, raw, message, error, finish);
    }
    if (dedupKey) await remember(deps, dedupKey);
    finish('done');
    return ConsumerStatus.ACK;
  });
}

async function moveFailed(
  deps: DeliveryDeps, raw: AsyncMessage, message: IncomingMessage, error: Error,
  finish: (outcome: DeliveryOutcome, error?: Error) => void,
): Promise<ConsumerStatus> {
  const decision = decideRetry(deps.spec.retry, message.attempt, error);
  const log = { queue: message.queue, message_id: message.messageId, attempt: message.attempt, error: error.message };
  try {
    if (decision.kind === 'retry') {
      await deps.republisher.send(retryEnvelope(raw, message, error, decision.delayMs), message.body);
      deps.logger.debug({ ...log, delayMs: decision.delayMs }, 'message failed; retry scheduled');
      finish('retried', error);
    } else if (deps.spec.deadLetter) {
      await deps.republisher.send(parkEnvelope(raw, message, error, decision.reason), message.body);
      deps.logger.warn({ ...log, reason: decision.reason }, 'message parked in the dead-letter queue');
      finish('parked', error);
    } else {
      deps.logger.error({ ...log, reason: decision.reason }, 'message dropped: no dead-letter queue for this subscription');
      finish('dropped', error);
    }
    return ConsumerStatus.ACK;
  } catch (moveError) {
    deps.logger.error({ ...log, moveError: (moveError as Error).message }, 'could not move the failed message on; it goes back to its queue');
    await delay(REQUEUE_BACKOFF_MS);
    return ConsumerStatus.REQUEUE;
  }
}

/** A dedup store that is down must not stop delivery: at-least-once beats nothing. */
async function seen(deps: DeliveryDeps, key: string): Promise<boolean> {
  try {
    return await deps.dedup!.store.has(key);
  } catch (error) {
    deps.logger.warn({ key, error: (error as Error).message }, 'dedup lookup failed; processing anyway');
    return false;
  }
}

async function remember(deps: DeliveryDeps, key: string): Promise<void> {
  try {
    await deps.dedup!.store.remember(key, deps.dedup!.windowMs);
  } catch (error) {
    deps.logger.warn({ key, error: (error as Error).message }, 'dedup remember failed');
  }
}
