import { spawn, type ChildProcess } from 'node:child_process';

/** A command running with our terminal (inherited stdio). */
export interface RunningCommand {
  child: ChildProcess;
  /** Exit code; a signal counts as 128 + its number, as in a shell. */
  exited: Promise<number>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Starts `command` with inherited stdio (it sees the same terminal) and the given env. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): RunningCommand {
  const child = spawn(command, args, { stdio: 'inherit', env });
  const exited = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)));
  });
  return { child, exited };
}

/** Builds every workspace with turbo (cached, so a second run takes a second or two). */
export async function buildAll(): Promise<void> {
  const code = await runCommand('turbo', ['run', 'build', '--output-logs=errors-only']).exited;
  if (code !== 0) throw new Error(`build failed (turbo exited with ${code})`);
}
