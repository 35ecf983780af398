// Private RabbitMQ nodes for tests and for `npm start`: each one has its own name, ports, data,
// logs, config and plugins under the git-ignored `.local/rabbit/<name>/`, so fault tests can stop,
// kill or alarm it without touching the shared broker (rabbit@localhost), which we never address.
//
// We run /usr/lib/rabbitmq/bin/rabbitmq-server directly: the /usr/sbin wrapper switches to the
// rabbitmq user and ignores our environment. HOME points into `.local/rabbit/home` so the
// Erlang cookie is ours too (and shared by our nodes, which cluster with each other).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { link, mkdir, writeFile, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, answersAmqp } from './free-port.ts';
import { waitUntil, tailFile } from './wait.ts';
import { LOCAL_DIR, isAlive, readPid, reapStaleNodes } from './rabbit-reaper.ts';

const run = promisify(execFile);
const RABBIT_BIN = process.env.RABBITMQ_BIN_DIR ?? '/usr/lib/rabbitmq/bin';
const RABBIT_DIR = join(LOCAL_DIR, 'rabbit');
const HOME_DIR = join(RABBIT_DIR, 'home');

/** How to start a private node. */
export interface RabbitNodeOptions {
  /** Enable rabbitmq_management and expose `managementUrl`. @default false */
  management?: boolean;
  /** Extra plugins to enable, e.g. `['rabbitmq_prometheus']`. @default [] */
  plugins?: string[];
  /** Extra rabbitmq.conf lines as key → value, e.g. `{ 'vm_memory_high_watermark.relative': '0.6' }`. */
  config?: Record<string, string>;
  /** Node name prefix (a random suffix is always added). @default 't' */
  prefix?: string;
  /** Longest wait for the node to boot. @default 120000 */
  startTimeoutMs?: number;
}

/** A running (or stopped) private node. Always `dispose()` it (or use `await using`). */
export interface RabbitNode {
  /** Erlang node name, e.g. `t3f9a2c1d@localhost`. */
  readonly name: string;
  /** AMQP port on 127.0.0.1. */
  readonly port: number;
  /** `amqp://guest:guest@127.0.0.1:<port>`. */
  readonly url: string;
  /** `http://guest:guest@127.0.0.1:<port>` when started with `management: true`. */
  readonly managementUrl: string | undefined;
  /** Data, logs and config of this node. */
  readonly dir: string;
  /** Starts the node again after stop()/kill(), keeping its data; resolves when it is booted. */
  start(): Promise<void>;
  /** Graceful shutdown (SIGTERM, like `rabbitmqctl shutdown`); resolves when the process has exited. */
  stop(): Promise<void>;
  /** stop() then start(), same name, port and data. */
  restart(): Promise<void>;
  /** SIGKILL the Erlang VM: a crash, no goodbye to clients. */
  kill(): Promise<void>;
  /** Runs `rabbitmqctl -n <name> ...args` and returns its stdout. Rejects on a non-zero exit. */
  ctl(args: string[], timeoutMs?: number): Promise<string>;
  /** Kills the node if running and deletes its directory. Safe to call twice. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface NodeLayout {
  name: string;
  dir: string;
  port: number;
  distPort: number;
  managementPort: number | undefined;
}

/**
 * Starts a private RabbitMQ node on free ports and waits until it accepts AMQP connections.
 * Nodes left behind by dead processes (a crashed test run) are reaped first.
 */
export async function startRabbitNode(options: RabbitNodeOptions = {}): Promise<RabbitNode> {
  await reapStaleNodes(RABBIT_DIR);
  const layout = await planLayout(options);
  await writeNodeFiles(layout, options);
  const node = createRabbitNode(layout, options.startTimeoutMs ?? 120_000);
  try {
    await node.start();
  } catch (error) {
    await node.dispose();
    throw error;
  }
  return node;
}

async function planLayout(options: RabbitNodeOptions): Promise<NodeLayout> {
  const name = `${options.prefix ?? 't'}${randomBytes(4).toString('hex')}@localhost`;
  const dir = join(RABBIT_DIR, name.split('@')[0] ?? name);
  const port = await freePort();
  const distPort = await freePort();
  const managementPort = options.management ? await freePort() : undefined;
  return { name, dir, port, distPort, managementPort };
}

async function writeNodeFiles(layout: NodeLayout, options: RabbitNodeOptions): Promise<void> {
  await mkdir(join(layout.dir, 'log'), { recursive: true });
  await mkdir(join(layout.dir, 'mnesia'), { recursive: true });
  await ensureCookie();
  await writeFile(join(layout.dir, 'owner.pid'), String(process.pid));
  const plugins = [...(options.management ? ['rabbitmq_management'] : []), ...(options.plugins ?? [])];
  await writeFile(join(layout.dir, 'enabled_plugins'), `[${plugins.join(',')}].\n`);
  const config: Record<string, string> = {
    'listeners.tcp.1': `127.0.0.1:${layout.port}`,
    // Logs go to files under log/; the console (our console.log) only shows boot failures.
    'log.console': 'false',
    'log.file.level': 'info',
    ...(layout.managementPort
      ? { 'management.tcp.port': String(layout.managementPort), 'management.tcp.ip': '127.0.0.1' }
      : {}),
    ...options.config,
  };
  const lines = Object.entries(config).map(([key, value]) => `${key} = ${value}`);
  await writeFile(join(layout.dir, 'rabbitmq.conf'), `${lines.join('\n')}\n`);
  await writeFile(join(layout.dir, 'rabbitmq-env.conf'), '# private node: settings come from the environment\n');
}

/**
 * One cookie for all our nodes (so they can cluster). Written to a temp file and linked into
 * place, so a node starting in another process never reads a half-written cookie.
 */
async function ensureCookie(): Promise<void> {
  await mkdir(HOME_DIR, { recursive: true });
  const cookiePath = join(HOME_DIR, '.erlang.cookie');
  const temp = `${cookiePath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temp, randomBytes(16).toString('hex').toUpperCase(), { mode: 0o400 });
  try {
    await link(temp, cookiePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** The environment every rabbitmq-server / rabbitmqctl call for this node gets. */
function nodeEnv(layout: NodeLayout): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('RABBITMQ_') && !key.startsWith('ERL_')),
  );
  const ctlPortMin = 30_000 + Math.floor(Math.random() * 20_000);
  return {
    ...inherited,
    HOME: HOME_DIR,
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_NODENAME: layout.name,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(layout.port),
    RABBITMQ_DIST_PORT: String(layout.distPort),
    RABBITMQ_CTL_DIST_PORT_MIN: String(ctlPortMin),
    RABBITMQ_CTL_DIST_PORT_MAX: String(ctlPortMin + 50),
    RABBITMQ_MNESIA_BASE: join(layout.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(layout.dir, 'log'),
    RABBITMQ_PID_FILE: join(layout.dir, 'rabbit.pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(layout.dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(layout.dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(layout.dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(layout.dir, 'rabbitmq-env.conf'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
}

function createRabbitNode(layout: NodeLayout, startTimeoutMs: number): RabbitNode {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let disposed = false;
  const consoleLog = join(layout.dir, 'console.log');

  const ctl = async (args: string[], timeoutMs = 60_000): Promise<string> => {
    const { stdout } = await run(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', layout.name, ...args], {
      env: nodeEnv(layout),
      timeout: timeoutMs,
    });
    return stdout;
  };

  const start = async (): Promise<void> => {
    if (child) return;
    const out = openSync(consoleLog, 'a');
    const proc = spawn(join(RABBIT_BIN, 'rabbitmq-server'), [], {
      env: nodeEnv(layout),
      cwd: layout.dir,
      stdio: ['ignore', out, out],
      // Its own process group: a Ctrl-C in the terminal must not stop the broker before the apps
      // using it have drained (the owner stops it; orphans are reaped by the next start).
      detached: true,
    });
    closeSync(out);
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === proc) child = undefined;
    });
    await waitForBoot(proc);
  };

  const waitForBoot = async (proc: ChildProcess): Promise<void> => {
    try {
      await waitUntil(async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          throw new Error(`exited with ${proc.exitCode ?? proc.signalCode}`);
        }
        // The AMQP listener opens at the end of the boot, so an answer means ready; cheaper
        // than `rabbitmqctl await_startup`, which boots a second Erlang VM on a busy machine.
        return answersAmqp(layout.port);
      }, startTimeoutMs);
    } catch (error) {
      const tail = await tailFile(consoleLog, 30);
      throw new Error(`RabbitMQ node ${layout.name} did not start: ${String(error)}\n${tail}`, { cause: error });
    }
  };

  // rabbitmq-server is a shell script that runs the Erlang VM as its child (not exec), so
  // signals go to the whole process group we gave it.
  const signalGroup = (proc: ChildProcess, signal: NodeJS.Signals): void => {
    try {
      process.kill(-proc.pid!, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    // SIGTERM makes the server script stop the VM gracefully (as `rabbitmqctl shutdown` would,
    // without booting the CLI's own VM).
    signalGroup(proc, 'SIGTERM');
    await exited;
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    const beam = await readPid(join(layout.dir, 'rabbit.pid'));
    signalGroup(proc, 'SIGKILL');
    await exited;
    // The VM dies a moment after the script; start() must not meet it still holding the port.
    if (beam !== undefined) await waitUntil(() => !isAlive(beam), 30_000, `beam ${beam} to exit`);
  };

  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    // Its data is deleted next, so there is nothing to shut down gracefully for.
    await kill();
    await rm(layout.dir, { recursive: true, force: true });
  };

  return {
    name: layout.name,
    port: layout.port,
    url: `amqp://guest:guest@127.0.0.1:${layout.port}`,
    managementUrl: layout.managementPort ? `http://guest:guest@127.0.0.1:${layout.managementPort}` : undefined,
    dir: layout.dir,
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    kill,
    ctl,
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

export { startRabbitCluster, type RabbitCluster } from './rabbit-cluster.ts';
