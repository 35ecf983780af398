// Runs one built app for `npm start`: its own process group (so Ctrl-C reaches only us and we
// stop the apps in order), its output prefixed and pino JSON made readable.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { waitUntil } from './wait.ts';

/** One app started by `npm start`. */
export interface RunningApp {
  name: string;
  url: string;
  child: ChildProcess;
  /** Exit code (or signal name) once it has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | string>;
}

const COLORS = [36, 35, 33, 32, 34];
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'name']);

/** Turns a pino JSON line into `12:00:01 INFO message {fields}`; other lines pass through. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
    const level = typeof entry.level === 'number' ? (LEVELS[entry.level] ?? String(entry.level)) : JSON.stringify(entry.level ?? '');
    const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !HIDDEN_FIELDS.has(key)));
    const fields = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    const msg = typeof entry.msg === 'string' ? entry.msg : JSON.stringify(entry.msg ?? '');
    return `${time} ${level} ${msg}${fields}`.trim();
  } catch {
    return line;
  }
}

/** Starts `node apps/<app>/dist/main.js` with `env`; output goes to our stdout, prefixed. */
export function runApp(root: string, app: string, port: number, env: NodeJS.ProcessEnv, index: number): RunningApp {
  const main = join(root, 'apps', app, 'dist', 'main.js');
  const child = spawn(process.execPath, [main], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const color = COLORS[index % COLORS.length] ?? 36;
  const prefix = process.stdout.isTTY ? `\u001b[${color}m[${app}]\u001b[0m ` : `[${app}] `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(prefix + formatLogLine(line)));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    name: app,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    stop: async (timeoutMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until `GET <url><path>` answers 200; rejects early if the app exits or `signal` aborts. */
export async function waitHealthy(app: RunningApp, path: string, signal?: AbortSignal, timeoutMs = 90_000): Promise<void> {
  let exitedWith: number | string | undefined;
  void app.exited.then((code) => (exitedWith = code));
  await waitUntil(async () => {
    signal?.throwIfAborted();
    if (exitedWith !== undefined) throw new Error(`${app.name} exited with ${exitedWith} while starting`);
    const response = await fetch(`${app.url}${path}`).catch(() => undefined);
    await response?.body?.cancel();
    return response?.status === 200;
  }, timeoutMs, `${app.name} ${path}`);
}
