import { setTimeout as delay } from 'node:timers/promises';
import { ConsumerStatus, type AsyncMessage } from 'rabbitmq-client';
import { ATTR } from './attributes.js';
import type { ConfirmPublisher } from './confirm-publisher.js';
import { parkEnvelope, retryEnvelope } from './failures.js';
import { applicationHeaders, attemptOf, bodyOf, MQ_HEADERS, stringHeader } from './headers.js';
import { recordFailure, traceProcess } from './propagation.js';
import { decideRetry } from './retry.js';
import type { DedupClaim, DeliveryOutcome, DedupStore, IncomingMessage, MessageHandler, MqLogger, OutcomeEvent, QueueSpec } from './types.js';

/** After failing to move a failed message on, wait this long before handing it back to its queue. */
const REQUEUE_BACKOFF_MS = 1000;
/** How often a copy of an id that is being processed elsewhere checks whether that run ended. */
const CLAIM_POLL_MS = 100;

export interface DeliveryDeps {
  spec: QueueSpec;
  handler: MessageHandler;
  republisher: ConfirmPublisher;
  dedup: { store: DedupStore; windowMs: number; claimMs: number } | undefined;
  logger: MqLogger;
  emitOutcome: (event: OutcomeEvent) => void;
  /** True once `close()` gave up waiting: the message is redelivered, so do nothing more with it. */
  abandoned: () => boolean;
}

/** The due time of a delayed message, when it carries a valid one. */
function notBeforeOf(raw: AsyncMessage): Date | undefined {
  const value = stringHeader(raw, MQ_HEADERS.notBefore);
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
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
    notBefore: notBeforeOf(raw),
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
    const claim = dedupKey ? await claimId(deps, dedupKey) : undefined;
    if (claim?.status === 'done') {
      finish('duplicate');
      return ConsumerStatus.ACK;
    }
    if (claim?.status === 'in-flight') return ConsumerStatus.REQUEUE; // abandoned while waiting
    try {
      await deps.handler(message);
    } catch (thrown) {
      const error = asError(thrown);
      recordFailure(span, error);
      const status = deps.abandoned() ? ConsumerStatus.REQUEUE : await moveFailed(deps, raw, message, error, finish);
      // Only once the retry copy is confirmed: that copy, or this message redelivered, claims it next.
      if (claim?.status === 'claimed') await release(deps, dedupKey!, claim.token);
      return status;
    }
    // Done is written before the ack: a copy redelivered because the ack was lost is a duplicate.
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

/**
 * Claims the id for this delivery. A copy of an id that is running elsewhere waits for that run
 * to end (done: a duplicate; failed: this copy goes on) or for its claim to expire (the holder
 * died). It waits in place rather than being requeued, so it never churns through redeliveries.
 * A store that is down must not stop delivery: at-least-once beats nothing.
 */
async function claimId(deps: DeliveryDeps, key: string): Promise<DedupClaim | undefined> {
  const { store, claimMs } = deps.dedup!;
  try {
    for (;;) {
      const claim = await store.claim(key, claimMs);
      if (claim.status !== 'in-flight' || deps.abandoned()) return claim;
      await delay(Math.min(CLAIM_POLL_MS, claimMs));
    }
  } catch (error) {
    deps.logger.warn({ key, error: (error as Error).message }, 'dedup claim failed; processing anyway');
    return undefined;
  }
}

async function remember(deps: DeliveryDeps, key: string): Promise<void> {
  try {
    await deps.dedup!.store.remember(key, deps.dedup!.windowMs);
  } catch (error) {
    deps.logger.warn({ key, error: (error as Error).message }, 'dedup remember failed');
  }
}

async function release(deps: DeliveryDeps, key: string, token: string): Promise<void> {
  try {
    await deps.dedup!.store.release(key, token);
  } catch (error) {
    // The claim expires by itself; until then a copy of this id waits for it.
    deps.logger.warn({ key, error: (error as Error).message }, 'dedup release failed');
  }
}
