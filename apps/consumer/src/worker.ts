import { UnrecoverableError, type Consumer, type DedupStore, type MqClient, type OutcomeEvent } from '@mq/mq';
import { messageLogger, type Logger } from '@mq/telemetry';
import { createCircuitBreaker, type CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import type { Deliver, Probe } from './delivery/types.js';

export interface WorkerSubscription {
  name: string;
  queue: string;
  prefetch: number;
  concurrency: number;
  /** 0 = no dedup. */
  dedupWindowMs: number;
  /** Longest a delivery can take (the target's timeout): a copy of an id in flight waits this long at most. */
  timeoutMs: number;
  deliver: Deliver;
  /** Asked while the circuit is open. */
  probe: Probe;
  circuit: { failureThreshold: number; openMs: number; maxOpenMs: number };
}

export interface WorkerDeps {
  client: Pick<MqClient, 'createConsumer'>;
  subscriptions: WorkerSubscription[];
  dedup?: DedupStore;
  logger: Logger;
  onOutcome?: (subscription: string, event: OutcomeEvent) => void;
  onAckFailure?: (subscription: string) => void;
}

export interface SubscriptionStatus {
  name: string;
  queue: string;
  /** Deliveries running now. */
  inFlight: number;
  /** Not taking deliveries (open circuit or draining). */
  paused: boolean;
  circuit: CircuitState;
}

export interface Worker {
  /** Starts one consumer per subscription. */
  start(): void;
  status(): SubscriptionStatus[];
  readonly started: boolean;
  /** Stops taking deliveries, finishes in-flight ones up to `timeoutMs`; the rest are redelivered. */
  close(timeoutMs: number): Promise<void>;
}

interface Running {
  sub: WorkerSubscription;
  consumer: Consumer;
  breaker: CircuitBreaker;
}

/** Runs every subscription: consume, deliver, count failures into a circuit breaker per subscription. */
export function createWorker(deps: WorkerDeps): Worker {
  const running: Running[] = [];
  let closing = false;
  return {
    start() {
      if (running.length > 0) return;
      for (const sub of deps.subscriptions) running.push(startSubscription(sub, deps, () => closing));
    },
    get started() {
      return running.length === deps.subscriptions.length;
    },
    status: () =>
      running.map(({ sub, consumer, breaker }) => ({
        name: sub.name,
        queue: sub.queue,
        inFlight: consumer.inFlight,
        paused: consumer.paused,
        circuit: breaker.state,
      })),
    async close(timeoutMs) {
      closing = true;
      for (const { breaker } of running) breaker.stop();
      await Promise.all(running.map(({ consumer }) => consumer.close(timeoutMs)));
    },
  };
}

/** One consumer whose breaker pauses it while the target keeps failing and resumes it after a good probe. */
function startSubscription(sub: WorkerSubscription, deps: WorkerDeps, closing: () => boolean): Running {
  const log = deps.logger.child({ subscription: sub.name });
  // pause() waits for running deliveries (up to their timeout) and a probe may close the circuit
  // meanwhile: chain pause and resume so the consumer sees them in order, never overlapping.
  let transition = Promise.resolve();
  const then = (what: 'pause' | 'resume', step: () => Promise<void>) => {
    transition = transition.then(step).catch((error: unknown) => log.error({ err: error }, `${what} failed`));
  };
  // The breaker's callbacks use `consumer`, created below: they only run once deliveries fail.
  const breaker = createCircuitBreaker({
    ...sub.circuit,
    probe: sub.probe,
    onStateChange: (state, previous) => {
      log.warn({ circuit: state, previous }, `circuit ${state}`);
      if (state === 'open' && previous === 'closed') then('pause', () => consumer.pause());
      if (state === 'closed') then('resume', () => (closing() ? Promise.resolve() : consumer.resume()));
    },
  });
  const dedup = deps.dedup && sub.dedupWindowMs > 0 ? { dedup: { store: deps.dedup, windowMs: sub.dedupWindowMs, claimMs: claimMsOf(sub) } } : {};
  const consumer = deps.client.createConsumer(
    { queue: sub.queue, prefetch: sub.prefetch, concurrency: sub.concurrency, ...dedup },
    async (message) => {
      try {
        await sub.deliver(message);
        breaker.recordSuccess();
      } catch (error) {
        // A parked message is the message's fault, not the target's: it says nothing about its health.
        if (!(error instanceof UnrecoverableError)) breaker.recordFailure();
        throw error;
      }
    },
  );
  consumer.on('outcome', (event) => {
    logOutcome(log, event);
    deps.onOutcome?.(sub.name, event);
  });
  consumer.on('ack-failure', () => deps.onAckFailure?.(sub.name));
  return { sub, consumer, breaker };
}

/** A failed delivery still moves its message to a delay queue (up to the republish confirm wait) before it lets go of the id. */
const CLAIM_MARGIN_MS = 20_000;

function claimMsOf(sub: WorkerSubscription): number {
  return sub.timeoutMs + CLAIM_MARGIN_MS;
}

function logOutcome(logger: Logger, event: OutcomeEvent): void {
  const routine = event.outcome === 'done' || event.outcome === 'duplicate';
  // A child logger per message costs ~3% of an in-process delivery (npm run bench); build it only to log.
  if (routine && !logger.isLevelEnabled('debug')) return;
  const log = messageLogger(logger, { messageId: event.message.messageId, destination: event.queue, attempt: event.message.attempt });
  const fields = { outcome: event.outcome, duration_ms: Math.round(event.durationMs), reason: event.error?.message.slice(0, 300) };
  if (routine) log.debug(fields, `delivery ${event.outcome}`);
  else log.warn(fields, `delivery ${event.outcome}`);
}
