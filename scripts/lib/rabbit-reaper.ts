// A test run that crashes (or a Ctrl-C that kills the runner too hard) can leave private nodes
// running. Each node directory records the pid of the process that created it; when that process
// is gone, the node is an orphan: we kill it and delete its directory.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The git-ignored folder that holds everything local: broker data, logs, pid files. */
export const LOCAL_DIR = resolve(fileURLToPath(new URL('../../.local', import.meta.url)));

/** True when a process with this pid exists and is not a zombie (signal 0 checks, sends nothing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readFileIfExists(`/proc/${pid}/stat`);
  return !/\) Z /.test(stat);
}

function readFileIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The pid in a pid file, or undefined. */
export async function readPid(path: string): Promise<number | undefined> {
  const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Only kill a pid whose environment names this node's directory: pids get reused. */
async function isBeamOf(pid: number, nodeDir: string): Promise<boolean> {
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  return environ.includes(`=${nodeDir}/`);
}

/** A directory being created right now has no owner.pid yet; leave young ones alone. */
async function isYoung(dir: string): Promise<boolean> {
  const info = await stat(dir).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs < 60_000;
}

/** Kills and removes every node under `rabbitDir` whose owner process has exited. */
export async function reapStaleNodes(rabbitDir: string): Promise<void> {
  const entries = await readdir(rabbitDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === 'home') continue;
    const dir = join(rabbitDir, entry.name);
    const owner = await readPid(join(dir, 'owner.pid'));
    if (owner !== undefined ? isAlive(owner) : await isYoung(dir)) continue;
    const beam = await readPid(join(dir, 'rabbit.pid'));
    if (beam !== undefined && isAlive(beam) && (await isBeamOf(beam, dir))) process.kill(beam, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}
