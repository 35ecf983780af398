// The NODE_OPTIONS each app's image sets, read from its Dockerfile (`ENV NODE_OPTIONS=...`), so
// the bench runs the apps as they ship and cannot drift from the images when one changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The value of the Dockerfile's `ENV NODE_OPTIONS=...` line (quoted or not); throws without one. */
export function nodeOptionsOf(dockerfile: string): string {
  const match = /^ENV NODE_OPTIONS=(?:"([^"]*)"|(\S+))\s*$/m.exec(dockerfile);
  if (!match) throw new Error('no `ENV NODE_OPTIONS=...` line');
  return (match[1] ?? match[2])!;
}

/** What `apps/<app>/Dockerfile` sets in NODE_OPTIONS. */
export function imageNodeOptions(repoRoot: string, app: 'gateway' | 'consumer'): string {
  const path = join(repoRoot, 'apps', app, 'Dockerfile');
  try {
    return nodeOptionsOf(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
