// Runs the BUILT apps (`node apps/<app>/dist/main.js`) as child processes, the way operators run
// them: configured by env and one config file. Tests see what a user sees: exit codes, log
// lines, HTTP. Build first (`npm test` does; by hand: `npx turbo run build`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/lib/free-port.ts';
import { waitUntil } from '../../scripts/lib/wait.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The apps that can be started. */
export type AppName = 'gateway' | 'consumer' | 'sample-app';

/** How to start one app. */
export interface StartAppOptions {
  /** Extra environment (on top of this process's env); `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** The config: an object (written as JSON, which the YAML loader reads) or raw text. */
  config?: object | string;
  /** More files next to the config file (e.g. JSON Schemas it names), path → content. */
  files?: Record<string, string>;
  /** HTTP port; a free one by default. */
  port?: number;
  /** What "started" means. @default 'readyz' for gateway and consumer, 'livez' for sample-app */
  waitFor?: 'readyz' | 'livez' | 'none';
  /** Longest wait for `waitFor`. @default 60000 */
  timeoutMs?: number;
}

/** A running (or exited) app process. */
export interface AppProcess {
  readonly app: AppName;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  /** Path of the config file it was given (undefined when no config was passed). */
  readonly configPath: string | undefined;
  /** Everything it wrote to stdout and stderr so far, in order. */
  output(): string;
  /** Output split into lines, JSON lines parsed (others as `{ msg: line }`). */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` and resolves with the exit code; SIGKILLs after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const running = new Set<ChildProcess>();
// A test that crashes must not leave apps running on a shared machine.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Default env for tests: loopback only, quick reconnects, logs at info. */
function baseEnv(port: number): Record<string, string> {
  return {
    AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    AMQP_RECONNECT_MIN_MS: '100',
    AMQP_RECONNECT_MAX_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
}

async function writeConfig(options: StartAppOptions): Promise<{ path: string | undefined; cleanup: () => Promise<void> }> {
  if (options.config === undefined) return { path: undefined, cleanup: () => Promise.resolve() };
  const dir = await mkdtemp(join(tmpdir(), 'mq-test-'));
  const path = join(dir, 'mq.yaml');
  const text = typeof options.config === 'string' ? options.config : JSON.stringify(options.config, null, 2);
  await writeFile(path, text);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function mergeEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Starts a built app and waits until it answers `waitFor` with 200. Rejects (with its output)
 * when it exits first; use `waitFor: 'none'` to observe a process that should exit.
 */
export async function startApp(app: AppName, options: StartAppOptions = {}): Promise<AppProcess> {
  const main = join(REPO, 'apps', app, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx turbo run build)`);
  const port = options.port ?? (await freePort());
  const config = await writeConfig(options);
  const env = mergeEnv({ ...baseEnv(port), ...(config.path ? { MQ_CONFIG: config.path } : {}), ...options.env });
  const child = spawn(process.execPath, [main], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const chunks: string[] = [];
  const echo = process.env.DEBUG_APPS === '1';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      chunks.push(text);
      if (echo) process.stderr.write(text.replace(/^/gm, `[${app}] `));
    });
  }
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      done(code ?? signal ?? 'unknown');
    });
  });
  void exited.then(config.cleanup);
  const proc = createAppProcess(app, port, child, chunks, exited, config.path);
  const waitFor = options.waitFor ?? (app === 'sample-app' ? 'livez' : 'readyz');
  if (waitFor !== 'none') await waitForHealth(proc, waitFor, options.timeoutMs ?? 60_000);
  return proc;
}

function createAppProcess(
  app: AppName,
  port: number,
  child: ChildProcess,
  chunks: string[],
  exited: Promise<number | string>,
  configPath: string | undefined,
): AppProcess {
  const output = (): string => chunks.join('');
  return {
    app,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    configPath,
    output,
    logs: () => output().split('\n').filter(Boolean).map(parseLine),
    exited,
    stop: async (signal = 'SIGTERM', timeoutMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { msg: line };
  } catch {
    return { msg: line };
  }
}

async function waitForHealth(proc: AppProcess, path: 'readyz' | 'livez', timeoutMs: number): Promise<void> {
  let exitedWith: number | string | undefined;
  void proc.exited.then((code) => (exitedWith = code));
  try {
    await waitUntil(async () => {
      if (exitedWith !== undefined) throw new Error(`exited with ${exitedWith} before /${path} answered 200`);
      const response = await fetch(`${proc.url}/${path}`).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200;
    }, timeoutMs, `${proc.app} /${path}`);
  } catch (error) {
    await proc.stop('SIGKILL');
    throw new Error(`${proc.app}: ${(error as Error).message}\n--- output ---\n${proc.output().slice(-4000)}`, { cause: error });
  }
}

/** Runs an app that is expected to exit (e.g. on a bad config); resolves with code and output. */
export async function runAppToExit(
  app: AppName,
  options: Omit<StartAppOptions, 'waitFor'> & { timeoutMs?: number } = {},
): Promise<{ code: number | string; output: string }> {
  const proc = await startApp(app, { ...options, waitFor: 'none' });
  const timer = setTimeout(() => void proc.stop('SIGKILL'), options.timeoutMs ?? 30_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}

/** Stops every app this test file started (call in `afterAll`/`afterEach`); SIGKILL after 30 s. */
export async function stopAllApps(): Promise<void> {
  const stopping = [...running].map(
    (child) =>
      new Promise<void>((done) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  );
  await Promise.all(stopping);
}
