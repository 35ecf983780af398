// The brokers `npm start` and `npm test` need: reuse what answers at AMQP_URL / REDIS_URL, else
// install Debian's package when it is missing and start a private instance under `.local/`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { answersAmqp, freePort, isPortOpen } from './free-port.ts';
import { startRabbitNode } from './rabbit-node.ts';
import { LOCAL_DIR } from './rabbit-reaper.ts';
import { waitUntil } from './wait.ts';

/** A broker the scripts use: either one that was already there or a private one we started. */
export interface Service {
  url: string;
  /** True when we started it (and `stop()` stops it). */
  started: boolean;
  stop(): Promise<void>;
}

type Log = (line: string) => void;
const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const RABBIT_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** host:port of a URL, for log lines that must not print passwords. */
function where(url: string, defaultPort: number): { host: string; port: number; label: string } {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port || defaultPort);
  return { host, port, label: `${parsed.protocol}//${host}:${port}` };
}

/**
 * Installs a Debian package with apt-get (through sudo unless we are root). The package's own
 * service may start too (Debian starts services on install); we do not rely on it nor stop it.
 */
export function aptInstall(pkg: string, log: Log): void {
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const steps = [
    [...sudo, 'apt-get', 'update'],
    [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', pkg],
  ];
  for (const [command, ...args] of steps) {
    log(`$ ${[command, ...args].join(' ')}`);
    const result = spawnSync(command!, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`installing ${pkg} failed: ${command} exited with ${result.status ?? result.signal ?? result.error?.message}`);
  }
}

/** True when the broker at this URL answers (amqps: its TLS port accepts connections). */
async function brokerAnswers(url: string): Promise<boolean> {
  const tls = url.startsWith('amqps:');
  const target = where(url, tls ? 5671 : 5672);
  return tls ? isPortOpen(target.port, target.host) : answersAmqp(target.port, target.host);
}

/**
 * Reuses the RabbitMQ at AMQP_URL (any node of a comma-separated list) if it answers an AMQP
 * handshake, else starts a private node.
 */
export async function ensureRabbit(log: Log): Promise<Service> {
  const url = process.env.AMQP_URL || DEFAULT_AMQP_URL;
  const nodes = url.split(',').map((node) => node.trim()).filter(Boolean);
  for (const node of nodes) {
    if (!(await brokerAnswers(node))) continue;
    log(`rabbitmq: using the broker at ${where(node, 5672).label}`);
    return { url, started: false, stop: () => Promise.resolve() };
  }
  const tried = nodes.map((node) => where(node, 5672).label).join(', ');
  log(`rabbitmq: nothing answers at ${tried}; starting a private node under .local/rabbit`);
  if (!existsSync(RABBIT_SERVER)) aptInstall('rabbitmq-server', log);
  const node = await startRabbitNode({ prefix: 'local' });
  log(`rabbitmq: private node ${node.name} on ${node.url}`);
  return { url: node.url, started: true, stop: () => node.dispose() };
}

/** Where Debian's `chromium` package puts the browser the console's tests drive. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The browser for the console's browser tests (Playwright driving Debian's Chromium, not a
 * downloaded build): installs the `chromium` package when `executable` is missing. Returns its path.
 */
export function ensureChromium(log: Log, executable = CHROMIUM_PATH): string {
  if (existsSync(executable)) return executable;
  log(`chromium: ${executable} is missing; installing Debian's chromium`);
  aptInstall('chromium', log);
  if (!existsSync(executable)) throw new Error(`installing chromium did not provide ${executable}`);
  return executable;
}

/** Reuses the Redis at REDIS_URL if it answers PING, else starts a private redis-server. */
export async function ensureRedis(log: Log): Promise<Service> {
  const url = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const target = where(url, 6379);
  if (await answersRedis(target.host, target.port)) {
    log(`redis: using the server at ${target.label}`);
    return { url, started: false, stop: () => Promise.resolve() };
  }
  log(`redis: nothing answers at ${target.label}; starting a private redis-server under .local/redis`);
  if (!hasCommand('redis-server')) aptInstall('redis-server', log);
  return startPrivateRedis(log);
}

async function startPrivateRedis(log: Log): Promise<Service> {
  const port = await freePort();
  const dir = join(LOCAL_DIR, 'redis', String(port));
  mkdirSync(dir, { recursive: true });
  const out = openSync(join(dir, 'redis.log'), 'a');
  // detached: Ctrl-C in the terminal must not kill it before the apps that use it have stopped.
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', out, out], detached: true },
  );
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}; see ${dir}/redis.log`);
    return answersRedis('127.0.0.1', port);
  }, 30_000, 'redis-server');
  const url = `redis://127.0.0.1:${port}`;
  log(`redis: private server on ${url}`);
  return {
    url,
    started: true,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Any RESP reply to PING (+PONG, or -NOAUTH when a password is set) means Redis is there. */
async function answersRedis(host: string, port: number): Promise<boolean> {
  return probe(host, port, 'PING\r\n', (reply) => reply.startsWith('+') || reply.startsWith('-'));
}

async function probe(host: string, port: number, send: string, accept: (reply: string) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(3000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(send));
    socket.once('data', (chunk: Buffer) => done(accept(chunk.toString('latin1'))));
  });
}
