import { MqError, withTimeout, type OutgoingMessage, type PublishResult, type Publisher } from '@mq/mq';
import type { GatewayMetrics } from './metrics.js';

export interface PublishServiceOptions {
  publisher: Publisher;
  metrics: GatewayMetrics;
  /** Publish requests served at once; more are refused with `OVERLOADED` before their body is read. */
  maxInFlight: number;
  /**
   * A last-resort bound on one publish, above the publisher's own (`connectWaitMs +
   * confirmTimeoutMs`), so no request can hang even if the client library misbehaves.
   */
  deadlineMs: number;
}

/** Publishing as the routes need it: admission control, a hard deadline and metrics. */
export interface PublishService {
  /** Takes a request slot or throws `OVERLOADED`; call the returned function once when done. */
  admit(): () => void;
  /** Publishes one message; rejects with an {@link MqError}, never hangs past `deadlineMs`. */
  publish(topic: string, message: OutgoingMessage): Promise<PublishResult>;
  /**
   * Publishes every message at once, each settling like {@link publish} would; the messages
   * share one deadline timer (a batch would otherwise start one per message).
   */
  publishAll(topic: string, messages: OutgoingMessage[]): Promise<PromiseSettledResult<PublishResult>[]>;
  /** Requests holding a slot now. */
  readonly active: number;
  /** Resolves once no request holds a slot (used while draining). */
  idle(): Promise<void>;
}

export function createPublishService(options: PublishServiceOptions): PublishService {
  const { publisher, metrics, maxInFlight, deadlineMs } = options;
  let active = 0;
  let idleWaiters: (() => void)[] = [];

  const release = () => {
    active -= 1;
    if (active === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const onDeadline = () => deadlinePassed(deadlineMs);

  /** Counts one publish in flight and observes its outcome and duration. */
  const observed = async (topic: string, message: OutgoingMessage, publishing: () => Promise<PublishResult>) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    metrics.inFlight.inc();
    try {
      const result = await publishing();
      metrics.observePublish(topic, message.exchange, undefined, seconds());
      return result;
    } catch (err) {
      // `_OTHER` is the semantic conventions' error.type for a failure without a known class.
      metrics.observePublish(topic, message.exchange, err instanceof MqError ? err.code : '_OTHER', seconds());
      throw err;
    } finally {
      metrics.inFlight.dec();
    }
  };

  return {
    get active() {
      return active;
    },
    admit() {
      if (active >= maxInFlight) throw new MqError('OVERLOADED', `more than ${maxInFlight} publish requests at once`);
      active += 1;
      let released = false;
      return () => {
        if (!released) release();
        released = true;
      };
    },
    idle() {
      return active === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    publish(topic, message) {
      return observed(topic, message, () => withTimeout(publisher.publish(message), deadlineMs, onDeadline));
    },
    async publishAll(topic, messages) {
      const deadline = sharedDeadline(deadlineMs);
      try {
        return await Promise.allSettled(messages.map((m) => observed(topic, m, () => deadline.bound(publisher.publish(m)))));
      } finally {
        deadline.clear();
      }
    },
  };
}

function deadlinePassed(ms: number): MqError {
  return new MqError('PUBLISH_TIMEOUT', `no answer from the broker within ${ms} ms`);
}

/**
 * One timer for many publishes started together: `bound(p)` settles like `p` or rejects with
 * `PUBLISH_TIMEOUT` when the timer fires. Call `clear()` once every bound promise has settled.
 */
function sharedDeadline(ms: number): { bound<T>(promise: Promise<T>): Promise<T>; clear(): void } {
  let expire: (error: MqError) => void = () => undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    expire = reject;
  });
  const timer = setTimeout(() => expire(deadlinePassed(ms)), ms);
  return {
    bound: <T>(promise: Promise<T>) => new Promise<T>((resolve, reject) => {
      promise.then(resolve, reject);
      expired.catch(reject);
    }),
    clear: () => clearTimeout(timer),
  };
}
