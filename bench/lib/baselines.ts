// The baseline servers are written in TypeScript but must not pay for it: running a .ts file
// loads Node's type stripper (about 18 MB of RSS and some startup time), which would flatter our
// apps (compiled JS) in the RSS and cold-start rows. So they are stripped to .mjs once per run.
import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import { stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = fileURLToPath(new URL('../baselines/', import.meta.url));
/** Inside the repo so that `rabbitmq-client` and `hono` resolve from its node_modules. */
const OUT_DIR = fileURLToPath(new URL('../.compiled/', import.meta.url));

/** Writes every `baselines/*.ts` as `.compiled/*.mjs`, relative `.ts` imports rewritten. */
export async function compileBaselines(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  for (const file of await readdir(SOURCE_DIR)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const source = await readFile(SOURCE_DIR + file, 'utf8');
    const js = stripTypeScriptTypes(source, { mode: 'strip' }).replaceAll(/(from '\.\/[^']+)\.ts'/g, "$1.mjs'");
    await writeFile(OUT_DIR + file.replace(/\.ts$/, '.mjs'), js);
  }
}

/** The runnable path of a baseline script, e.g. `hono-publish`. */
export function baselinePath(name: string): string {
  return `${OUT_DIR}${name}.mjs`;
}
