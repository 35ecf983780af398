// A test run that crashes (or a Ctrl-C that kills the runner too hard) can leave private nodes
// running. Each node directory records the pid of the process that created it; when that process
// is gone, the node is an orphan: we kill it and delete its directory.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The git-ignored folder that holds everything local: broker data, logs, pid files. */
export const LOCAL_DIR = resolve(fileURLToPath(new URL('../../.local', import.meta.url)));

/** True when a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(path: string): Promise<number | undefined> {
  const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Only kill a pid whose command line names this node: pids get reused. */
async function isBeamOf(pid: number, nodeDir: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes(nodeDir);
}

/** Kills and removes every node under `rabbitDir` whose owner process has exited. */
export async function reapStaleNodes(rabbitDir: string): Promise<void> {
  const entries = await readdir(rabbitDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === 'home') continue;
    const dir = join(rabbitDir, entry.name);
    const owner = await readPid(join(dir, 'owner.pid'));
    if (owner !== undefined && isAlive(owner)) continue;
    const beam = await readPid(join(dir, 'rabbit.pid'));
    if (beam !== undefined && isAlive(beam) && (await isBeamOf(beam, dir))) process.kill(beam, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}
