import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CLIENT_SCRIPT } from './client-script.js';
import { STYLES } from './styles.js';

const JS = 'text/javascript; charset=utf-8';

/** htmx from the installed package (no CDN: the console works offline), read on first request. */
const htmxFile = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');
let htmx: Promise<Buffer> | undefined;

/** The console's assets by name; only these names are served, nothing maps a path onto the disk. */
export async function consoleAsset(name: string): Promise<{ body: string | Buffer; contentType: string } | undefined> {
  switch (name) {
    case 'console.js':
      return { body: CLIENT_SCRIPT, contentType: JS };
    case 'console.css':
      return { body: STYLES, contentType: 'text/css; charset=utf-8' };
    case 'htmx.min.js':
      htmx ??= readFile(htmxFile);
      htmx.catch(() => (htmx = undefined));
      return { body: await htmx, contentType: JS };
    default:
      return undefined;
  }
}
