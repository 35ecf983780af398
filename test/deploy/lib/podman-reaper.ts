// Leftovers of a podman test run that was killed before its clean-up (SIGKILL, a CI timeout):
// each run records its name suffix and pid under .local/podman/runs/; the next run removes the
// pods, secrets, volumes and network of every recorded run whose process is gone. Only names
// with a recorded suffix are touched, so nothing of another user of podman is.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PODMAN_DIR, type Podman } from './podman.ts';

const RUNS_DIR = join(PODMAN_DIR, 'runs');

/** Records this run's suffix so a later run can clean up after it if it dies. */
export function recordRun(suffix: string): void {
  mkdirSync(RUNS_DIR, { recursive: true });
  writeFileSync(join(RUNS_DIR, suffix), String(process.pid));
}

/** Forgets this run's record (after its own clean-up). */
export function forgetRun(suffix: string): void {
  rmSync(join(RUNS_DIR, suffix), { force: true });
}

/** Removes what runs whose process died left behind; returns their suffixes. */
export async function reapDeadRuns(podman: Podman): Promise<string[]> {
  let entries: string[] = [];
  try {
    entries = readdirSync(RUNS_DIR);
  } catch {
    return [];
  }
  const dead = entries.filter((suffix) => !isAlive(Number(readFileSync(join(RUNS_DIR, suffix), 'utf8'))));
  if (dead.length === 0) return [];
  const list = async (args: string[]) => (await podman.run(args, { allowFailure: true })).stdout.split('\n').filter(Boolean);
  const ours = (names: string[]) => names.filter((name) => dead.some((suffix) => name.includes(`-${suffix}`)));
  for (const pod of ours(await list(['pod', 'ps', '-a', '--format', '{{.Name}}']))) await podman.run(['pod', 'rm', '-f', '-t', '0', pod], { allowFailure: true });
  for (const secret of ours(await list(['secret', 'ls', '--format', '{{.Name}}']))) await podman.run(['secret', 'rm', secret], { allowFailure: true });
  for (const volume of ours(await list(['volume', 'ls', '--format', '{{.Name}}']))) await podman.run(['volume', 'rm', '-f', volume], { allowFailure: true });
  for (const network of ours(await list(['network', 'ls', '--format', '{{.Name}}']))) await podman.run(['network', 'rm', '-f', network], { allowFailure: true });
  for (const suffix of dead) forgetRun(suffix);
  return dead;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
