import type { ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ShutdownOptions {
  server: ServerType;
  /** Flipped at once: /readyz answers 503 and new publishes get 503 `DRAINING`. */
  lifecycle: { draining: boolean };
  /** Resolves when no publish request is in progress. */
  idle: () => Promise<void>;
  /** Closes the publisher and the AMQP connection: runs last, after the HTTP answers. */
  closeBroker: () => Promise<void>;
  timeoutMs: number;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  exit?: (code: number) => void;
}

/** Waits for the promise up to `ms`; true when it settled in time. Never rejects. */
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
 * Drains on SIGTERM/SIGINT: readiness off at once; publishes already admitted get their true
 * answers; the listener stays up at least `linger` so probes and late clients see a 503 rather
 * than a refused connection; then the HTTP server closes and the AMQP connection closes last.
 * Exits 0 within `timeoutMs`.
 */
export function installShutdown(options: ShutdownOptions): void {
  const { lifecycle, logger, timeoutMs } = options;
  const server = options.server as Server;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;

  const drain = async (signal: string) => {
    const deadline = Date.now() + timeoutMs;
    lifecycle.draining = true;
    logger.info({ signal, timeoutMs }, 'draining: readiness off, finishing in-flight publishes');
    // Keep a quarter of the budget (at most 2 s) for closing the broker connection cleanly.
    const budget = deadline - Date.now() - Math.min(2000, timeoutMs / 4);
    const linger = Math.min(1000, budget);
    const [finished] = await Promise.all([within(options.idle(), budget), sleep(Math.max(0, linger))]);
    if (!finished) logger.warn({}, 'drain timeout: some publishes were still in flight');
    // Answers carry `Connection: close` while draining, so connections end once answered; the
    // few that do not are cut after a short wait (by then every admitted publish was answered).
    const closed = new Promise((resolve) => server.close(resolve));
    await within(closed, Math.min(1000, deadline - Date.now()));
    server.closeAllConnections();
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
