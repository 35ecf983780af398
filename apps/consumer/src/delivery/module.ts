import { pathToFileURL } from 'node:url';
import { RetryLaterError, UnrecoverableError, type IncomingMessage } from '@mq/mq';
import { DeliveryError, type Deliver } from './types.js';

/** What an in-process handler receives: the message, plus a signal that fires at `timeoutMs`. */
export interface DeliveredMessage extends IncomingMessage {
  /** The subscription name from the config file. */
  subscription: string;
  /** Aborted when the delivery timed out or the consumer is giving up on it. */
  signal: AbortSignal;
}

/**
 * The default export of a `deliver.module` file. Resolve = done. Throw `UnrecoverableError` to
 * park the message now, `RetryLaterError` to retry after its delay, anything else to retry with
 * backoff (both classes are exported by `@mq/consumer`).
 *
 * @example
 * import type { DeliveryHandler } from '@mq/consumer';
 * const handle: DeliveryHandler = async (msg) => { await save(JSON.parse(msg.body.toString())); };
 * export default handle;
 */
export type DeliveryHandler = (message: DeliveredMessage) => Promise<void>;

export interface ModuleDeliveryOptions {
  /** Absolute path of the module. */
  path: string;
  subscription: string;
  timeoutMs: number;
}

/** Imports the handler module once at boot; throws a one-line error when it has no handler. */
export async function loadModuleDelivery(options: ModuleDeliveryOptions): Promise<Deliver> {
  let loaded: { default?: unknown; handle?: unknown };
  try {
    loaded = (await import(pathToFileURL(options.path).href)) as typeof loaded;
  } catch (error) {
    throw new Error(`${options.path}: cannot load handler module: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const handler = typeof loaded.default === 'function' ? loaded.default : loaded.handle;
  if (typeof handler !== 'function') {
    throw new Error(`${options.path}: the module must export a handler function (default or "handle")`);
  }
  return createModuleDelivery(handler as DeliveryHandler, options);
}

/** Runs `handler` with a timeout, mapping its outcome to the `@mq/mq` handler contract. */
export function createModuleDelivery(handler: DeliveryHandler, options: Omit<ModuleDeliveryOptions, 'path'>): Deliver {
  return (message) =>
    // One promise settled by whichever comes first, the handler or its timer: no Promise.race
    // and no second promise per delivery (this runs for every message).
    new Promise<void>((resolve, reject) => {
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort(new DeliveryError('timeout', `timeout: handler took over ${options.timeoutMs} ms`));
        reject(controller.signal.reason as Error);
      }, options.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(normalizeError(error));
      };
      try {
        // Promise.resolve(): a handler that returns nothing still counts as done.
        Promise.resolve(handler({ ...message, subscription: options.subscription, signal: controller.signal })).then(done, fail);
      } catch (error) {
        fail(error);
      }
    });
}

/**
 * A handler bundled with its own copy of `@mq/mq` throws classes that fail `instanceof`;
 * recognise them by name so "park" and "retry later" still mean what the handler said.
 */
function normalizeError(error: unknown): Error {
  if (error instanceof UnrecoverableError || error instanceof RetryLaterError) return error;
  const err = error as { name?: unknown; message?: unknown; delayMs?: unknown } | null;
  const message = typeof err?.message === 'string' ? err.message : String(error);
  if (err?.name === 'UnrecoverableError') return new UnrecoverableError(message, { cause: error });
  if (err?.name === 'RetryLaterError' && typeof err.delayMs === 'number') {
    return new RetryLaterError(message, err.delayMs, { cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}
