// Runs podman the way these machines allow (Debian bookworm's podman 4.3, as root, no systemd):
// runc with the cgroupfs manager (crun refuses the hybrid cgroup layout here) and ulimits no higher
// than the sandbox's (raising limits is refused), set in a containers.conf of our own that
// CONTAINERS_CONF points at. The system's containers.conf is never read nor edited.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from '../../../scripts/lib/services.ts';
import { LOCAL_DIR } from '../../../scripts/lib/rabbit-reaper.ts';

/** Where the test keeps podman's config and scratch files (git-ignored). */
export const PODMAN_DIR = join(LOCAL_DIR, 'podman');

const CONTAINERS_CONF = `# Written by test/deploy/lib/podman.ts; used through CONTAINERS_CONF only.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;

/** Debian packages the deploy test needs, by the command that shows each is there. */
const TOOLS: Record<string, string> = { podman: 'podman', runc: 'runc', debootstrap: 'debootstrap' };

/** The result of one podman command. */
export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** podman with the test's containers.conf. */
export interface Podman {
  /** Runs `podman ...args`; rejects on a non-zero exit unless `allowFailure`. */
  run(args: string[], options?: { allowFailure?: boolean; timeoutMs?: number }): Promise<PodmanResult>;
  /** The environment podman runs with (CONTAINERS_CONF set), for other tools that call it. */
  env: NodeJS.ProcessEnv;
}

/**
 * Installs podman, runc and debootstrap with apt-get when missing (as `npm test` does for
 * rabbitmq-server), writes the containers.conf and checks that podman answers.
 */
export async function setUpPodman(log: (line: string) => void): Promise<Podman> {
  for (const [command, pkg] of Object.entries(TOOLS)) if (!hasCommand(command)) aptInstall(pkg, log);
  mkdirSync(PODMAN_DIR, { recursive: true });
  const conf = join(PODMAN_DIR, 'containers.conf');
  writeFileSync(conf, CONTAINERS_CONF);
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const podman: Podman = { env, run: (args, options) => runPodman(args, env, options) };
  await podman.run(['info', '--format', '{{.Host.OCIRuntime.Name}}']);
  return podman;
}

function runPodman(args: string[], env: NodeJS.ProcessEnv, options: { allowFailure?: boolean; timeoutMs?: number } = {}): Promise<PodmanResult> {
  return new Promise((resolve, reject) => {
    const timeout = options.timeoutMs ?? 120_000;
    execFile('podman', args, { env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`podman ${args.join(' ')} exited with ${code}: ${(stderr || error?.message || '').trim().slice(-2000)}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
