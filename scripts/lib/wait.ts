import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it returns true, backing off from 100 ms to 1 s between tries, and rejects
 * after `timeoutMs`. An error thrown by `check` rejects at once, so a caller can fail fast (a child
 * process that died) instead of waiting for the timeout.
 */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    if (await check()) return;
    if (Date.now() + delay > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(delay);
    delay = Math.min(delay * 2, 1000);
  }
}

/** The last `lines` lines of a text file, or '' when it does not exist (for error messages). */
export async function tailFile(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines - 1).join('\n');
}
