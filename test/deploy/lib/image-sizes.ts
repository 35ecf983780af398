// The image sizes the podman test measured, as a table in docs/deployment.md between two marker
// comments. Rewritten only when a size changed, so a rerun on the same images leaves the file alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BuiltImage } from './app-images.ts';

export const DEPLOYMENT_DOC = resolve(import.meta.dirname, '../../../docs/deployment.md');
const START = '<!-- image-sizes:start (written by test/deploy/podman.int.test.ts) -->';
const END = '<!-- image-sizes:end -->';

/** The markdown table of the images and their sizes (MB = 10^6 bytes, as podman prints them). */
export function imageSizesTable(images: BuiltImage[], baseSizeBytes: number): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  const rows = images.map((i) => `| \`mq-${i.app}:dev\` | ${mb(i.sizeBytes)} | ${mb(i.sizeBytes - baseSizeBytes)} |`);
  return ['| image | size | above `node:24-slim` |', '|---|---|---|', ...rows].join('\n');
}

/** Replaces the table between the markers; returns true when the file changed. */
export function writeImageSizes(table: string, path = DEPLOYMENT_DOC): boolean {
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path}: the image-sizes markers are missing`);
  const next = `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`;
  if (next === doc) return false;
  writeFileSync(path, next);
  return true;
}
