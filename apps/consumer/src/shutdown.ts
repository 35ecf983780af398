import type { Logger } from '@mq/telemetry';

export interface ShutdownOptions {
  /** `SHUTDOWN_TIMEOUT_MS`: the process exits 0 within this, drained or not. */
  timeoutMs: number;
  logger: Logger;
  /** Drains with `budgetMs` for in-flight work; what it leaves unfinished is redelivered by the broker. */
  stop: (budgetMs: number) => Promise<void>;
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

export interface Shutdown {
  /** True from the first signal on; `/readyz` answers 503 from that moment. */
  readonly draining: boolean;
  /** Starts draining as a signal would (tests). */
  begin(reason: string): Promise<void>;
}

/** Time kept back from the drain for closing the connection and flushing spans. */
export function drainBudget(timeoutMs: number): number {
  return Math.max(0, timeoutMs - Math.min(2000, Math.floor(timeoutMs * 0.2)));
}

/**
 * SIGTERM/SIGINT: readiness drops at once, then `stop` drains; exit 0 when it is done or at the
 * deadline, whichever comes first. A second signal only logs: the deadline already bounds the wait.
 */
export function installShutdown(options: ShutdownOptions): Shutdown {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining: Promise<void> | undefined;

  const begin = (reason: string): Promise<void> => {
    if (draining) {
      options.logger.info({ reason }, 'already draining');
      return draining;
    }
    options.logger.info({ reason, timeout_ms: options.timeoutMs }, 'draining: not taking new deliveries');
    const deadline = setTimeout(() => {
      options.logger.warn({ timeout_ms: options.timeoutMs }, 'shutdown deadline reached; unfinished messages will be redelivered');
      exit(0);
    }, options.timeoutMs);
    deadline.unref();
    draining = options
      .stop(drainBudget(options.timeoutMs))
      .then(
        () => options.logger.info({}, 'drained, exiting'),
        (error: unknown) => options.logger.error({ err: error }, 'error while draining; unfinished messages will be redelivered'),
      )
      .finally(() => {
        clearTimeout(deadline);
        exit(0);
      });
    return draining;
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => void begin(signal));
  }
  return {
    get draining() {
      return draining !== undefined;
    },
    begin,
  };
}
