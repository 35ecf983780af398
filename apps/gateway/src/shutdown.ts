import type { ServerType } from '@hono/node-server';
import type { Server } from 'node:http';

export interface ShutdownOptions {
  server: ServerType;
  /** Flipped at once so /readyz answers 503. */
  lifecycle: { draining: boolean };
  /** Resolves when no publish request is in progress. */
  idle: () => Promise<void>;
  /** Closes the publisher and the AMQP connection: runs last, after the HTTP answers. */
  closeBroker: () => Promise<void>;
  timeoutMs: number;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  exit?: (code: number) => void;
}

/** Resolves after `ms` (or with the promise, whichever is first); never rejects. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Drains on SIGTERM/SIGINT: readiness off at once, no new connections, in-flight publishes get
 * their true answers, then the AMQP connection closes last; exit 0 within `timeoutMs`.
 */
export function installShutdown(options: ShutdownOptions): void {
  const { server, lifecycle, logger, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;

  const drain = async (signal: string) => {
    const deadline = Date.now() + timeoutMs;
    lifecycle.draining = true;
    logger.info({ signal, timeoutMs }, 'draining: readiness off, finishing in-flight publishes');
    const http = server as Server;
    http.close();
    http.closeIdleConnections();
    // Leave a quarter of the budget (at most 2 s) for closing the broker connection cleanly.
    const reserve = Math.min(2000, timeoutMs / 4);
    if (!(await within(options.idle(), deadline - Date.now() - reserve))) {
      logger.warn({}, 'drain timeout: some publishes were still in flight');
    }
    http.closeAllConnections();
    if (!(await within(options.closeBroker(), deadline - Date.now()))) {
      logger.warn({}, 'drain timeout: the broker connection did not close in time');
    }
    logger.info({}, 'stopped');
    exit(0);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    void drain(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
