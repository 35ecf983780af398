import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CLIENT_SCRIPT } from './client-script.js';
import { STYLES } from './styles.js';

const JS = 'text/javascript; charset=utf-8';
/** Without one the browser asks for /favicon.ico and logs the 404. */
const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b57d0"/></svg>';

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
    case 'favicon.svg':
      return { body: FAVICON, contentType: 'image/svg+xml' };
    case 'htmx.min.js':
      htmx ??= readFile(htmxFile);
      htmx.catch(() => (htmx = undefined));
      return { body: await htmx, contentType: JS };
    default:
      return undefined;
  }
}
