// The base image the Dockerfiles name, `node:24-slim`, made on this machine: no image can be
// pulled here. A Debian bookworm minbase from the machine's own apt source (debootstrap), the
// Node 24 binary the repo already installs (the npm package `node`), the machine's npm, and a
// `node` user with uid 1000, as in the official image; `podman import`ed under that name. It is
// remade only when what goes into it changes (its inputs' hash is a label on the image).
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PODMAN_DIR, type Podman } from './podman.ts';

const run = promisify(execFile);
export const BASE_IMAGE = 'localhost/node:24-slim';
const LABEL = 'mq.test.base-inputs';
/** Bumped when this file changes what it puts in the image. */
const RECIPE = 'minbase+node+npm+uid1000 v3';
const CA_IN_IMAGE = '/usr/local/share/ca-certificates/host-npm-ca.crt';

/** Makes `node:24-slim` unless an image made from the same inputs is there; returns its id. */
export async function ensureBaseImage(podman: Podman, log: (line: string) => void): Promise<string> {
  const inputs = baseInputs();
  const existing = await podman.run(['image', 'inspect', '--format', `{{index .Labels "${LABEL}"}} {{.Id}}`, BASE_IMAGE], { allowFailure: true });
  const [label, id] = existing.stdout.trim().split(' ');
  if (existing.code === 0 && label === inputs.hash && id) return id;
  log(`making ${BASE_IMAGE} (debootstrap bookworm minbase, Node ${process.versions.node})`);
  const rootfs = join(PODMAN_DIR, `rootfs-${process.pid}`);
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, aptMirror()], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    addNode(rootfs, inputs);
    const tarball = `${rootfs}.tar`;
    await run('tar', ['-C', rootfs, '-cf', tarball, '.'], { maxBuffer: 64 * 1024 * 1024 });
    const changes = [
      `LABEL ${LABEL}=${inputs.hash}`, 'CMD ["node"]', `ENV NODE_VERSION=${process.versions.node}`,
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ];
    // The npm registry is reached through the host's CA bundle when its npm config names one:
    // `npm ci` inside the build needs the same trust. Only this test image carries it.
    // (`podman import --change` takes one variable per ENV.)
    if (inputs.cafile) changes.push(`ENV NPM_CONFIG_CAFILE=${CA_IN_IMAGE}`, `ENV NODE_EXTRA_CA_CERTS=${CA_IN_IMAGE}`);
    await podman.run(['import', ...changes.flatMap((c) => ['--change', c]), tarball, BASE_IMAGE], { timeoutMs: 300_000 });
    rmSync(tarball, { force: true });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return (await podman.run(['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE])).stdout.trim();
}

interface BaseInputs {
  node: string;
  npm: string;
  cafile: string | undefined;
  hash: string;
}

function baseInputs(): BaseInputs {
  const node = realNodeBinary();
  const npm = npmDirectory();
  const cafile = npmCafile();
  const hash = createHash('sha256')
    .update(RECIPE)
    .update(readFileSync(node))
    .update(readFileSync(join(npm, 'package.json')))
    .update(cafile ? readFileSync(cafile) : '')
    .update(aptMirror())
    .digest('hex')
    .slice(0, 16);
  return { node, npm, cafile, hash };
}

/** Node, npm (as in the official image, under /usr/local), the `node` user, the CA file if any. */
function addNode(rootfs: string, inputs: BaseInputs): void {
  cpSync(inputs.node, join(rootfs, 'usr/local/bin/node'));
  cpSync(inputs.npm, join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  appendFileSync(join(rootfs, 'etc/passwd'), 'node:x:1000:1000::/home/node:/bin/bash\n');
  appendFileSync(join(rootfs, 'etc/group'), 'node:x:1000:\n');
  appendFileSync(join(rootfs, 'etc/shadow'), 'node:*:19000:0:99999:7:::\n');
  mkdirSync(join(rootfs, 'home/node'), { recursive: true });
  if (inputs.cafile) cpSync(inputs.cafile, join(rootfs, CA_IN_IMAGE.slice(1)));
  // What the official slim image also leaves out: downloaded packages and package lists.
  const drop = (dir: string, keep: (entry: string) => boolean) => {
    for (const entry of readdirSync(join(rootfs, dir))) if (!keep(entry)) rmSync(join(rootfs, dir, entry), { recursive: true, force: true });
  };
  drop('var/cache/apt/archives', (entry) => !entry.endsWith('.deb'));
  drop('var/lib/apt/lists', (entry) => entry === 'partial' || entry === 'lock');
}

/** The Node 24 binary of the repo's `node` package (node_modules/.bin/node is a link to it). */
function realNodeBinary(): string {
  const path = resolve(import.meta.dirname, '../../../node_modules/node/bin/node');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm ci`);
  return path;
}

/** The npm that runs these tests (the machine's), copied into the image. */
function npmDirectory(): string {
  const execPath = process.env.npm_execpath;
  if (execPath && existsSync(execPath)) return resolve(dirname(execPath), '..');
  for (const dir of ['/usr/lib/node_modules/npm', '/usr/local/lib/node_modules/npm']) if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error('npm not found (looked at npm_execpath, /usr/lib/node_modules/npm, /usr/local/lib/node_modules/npm)');
}

/** The `cafile` the host's npm config names, if any and if it exists. */
function npmCafile(): string | undefined {
  const fromEnv = process.env.npm_config_cafile ?? process.env.NPM_CONFIG_CAFILE;
  const candidates = [fromEnv, ...['/etc/npmrc', '/usr/etc/npmrc', join(process.env.HOME ?? '/root', '.npmrc')].map(readCafile)];
  return candidates.find((file): file is string => Boolean(file && existsSync(file)));
}

function readCafile(npmrc: string): string | undefined {
  if (!existsSync(npmrc)) return undefined;
  const line = readFileSync(npmrc, 'utf8').split('\n').find((l) => /^\s*cafile\s*=/.test(l));
  return line?.split('=').slice(1).join('=').trim().replace(/^"|"$/g, '');
}

/**
 * The machine's Debian mirror for bookworm, read from /etc/apt/sources.list.d/ (deb822 `.sources`
 * or one-line `.list` files; other suffixes are disabled entries), so no host is named here.
 */
export function aptMirror(): string {
  const dir = '/etc/apt/sources.list.d';
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sources') || f.endsWith('.list')).sort() : [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const found = file.endsWith('.sources') ? fromDeb822(text) : fromOneLine(text);
    if (found) return found;
  }
  throw new Error(`no Debian bookworm source in ${dir} (debootstrap needs one)`);
}

function fromDeb822(text: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
    if (field('Types').includes('deb') && field('Suites').includes('bookworm')) return field('URIs')[0];
  }
  return undefined;
}

function fromOneLine(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const words = line.replace(/\[[^\]]*\]/, '').trim().split(/\s+/);
    if (words[0] === 'deb' && words[2] === 'bookworm') return words[1];
  }
  return undefined;
}
