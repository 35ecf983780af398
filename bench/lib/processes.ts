// Child processes of a bench run: every app and baseline server runs in its own process so that
// the load generator (this process) never shares an event loop with what it measures.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A started child process with its log file. */
export interface BenchProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** performance.now() when spawn() was called. */
  readonly spawnedAt: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** Arguments to `node` (the same Node that runs the bench). */
  args: string[];
  env: Record<string, string>;
  /** Directory for the log file. */
  logDir: string;
  cwd?: string;
}

const running = new Set<BenchProcess>();

/** The bench's environment without OTEL_* and AMQP/config variables, so each run sets its own. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const dropped = /^(OTEL_|MQ_CONFIG$|AMQP_URL$|PORT$|LOG_LEVEL$|NODE_OPTIONS$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !dropped.test(key)));
}

/** Spawns `node ...args` with stdout and stderr going to `<logDir>/<name>.log`. */
export function startNode(options: StartOptions): BenchProcess {
  const logFile = join(options.logDir, `${options.name}.log`);
  const out = openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { ...inheritedEnv(), ...options.env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: BenchProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    child,
    logFile,
    spawnedAt,
    stop: async (graceMs = 10_000) => {
      running.delete(proc);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(proc);
  return proc;
}

/** Kills every child still running (on exit or Ctrl-C); never leaves a stray server behind. */
export function killAll(): void {
  for (const proc of running) proc.child.kill('SIGKILL');
  running.clear();
}

/** The last lines of a process log, for error messages. */
export function logTail(proc: BenchProcess, lines = 20): string {
  try {
    return readFileSync(proc.logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}

/**
 * Polls `url` every `intervalMs` until it answers 200. Fails fast when the process exits, with the
 * tail of its log, so a crashed app never looks like a slow one.
 */
export async function waitHttpOk(proc: BenchProcess, url: string, timeoutMs = 30_000, intervalMs = 10): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} answered:\n${logTail(proc)}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then(async (res) => {
        await res.body?.cancel();
        return res.status === 200;
      })
      .catch(() => false);
    if (ok) return performance.now();
    await sleep(intervalMs);
  }
  throw new Error(`${proc.name}: ${url} did not answer 200 within ${timeoutMs} ms:\n${logTail(proc)}`);
}
