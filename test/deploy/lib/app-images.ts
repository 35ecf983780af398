// Builds the three images from the committed Dockerfiles, unchanged, with podman: the base image is
// local (`--pull=never`) and the build reaches the npm registry and Debian's packages through the
// host's network (`--network host`). An image is rebuilt only when its inputs change: their hash
// (the app's and the shared packages' files, the root manifests and lockfile, the Dockerfile, the
// base image) is a label on the image. Files outside those (other apps, docs, tests) are in the
// build context but `turbo prune` leaves them out of the image, so they do not count.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Podman } from './podman.ts';

export const APPS = ['gateway', 'consumer', 'sample-app'] as const;
export type AppName = (typeof APPS)[number];

const ROOT = resolve(import.meta.dirname, '../../..');
const LABEL = 'mq.test.inputs';
const ROOT_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'turbo.json', '.dockerignore'];

/** One built image. */
export interface BuiltImage {
  app: AppName;
  /** `localhost/mq-<app>:dev`, the name the manifests use (`mq-<app>:dev`). */
  image: string;
  sizeBytes: number;
  /** False when an image of the same inputs was already there. */
  built: boolean;
  seconds: number;
}

/** Builds `mq-<app>:dev` unless an image with the same inputs exists. */
export async function buildAppImage(podman: Podman, app: AppName, baseImageId: string, log: (line: string) => void): Promise<BuiltImage> {
  const image = `localhost/mq-${app}:dev`;
  const hash = inputsHash(app, baseImageId);
  const started = Date.now();
  const existing = await podman.run(['image', 'inspect', '--format', `{{index .Labels "${LABEL}"}}`, image], { allowFailure: true });
  const built = existing.code !== 0 || existing.stdout.trim() !== hash;
  if (built) {
    log(`building ${image} from apps/${app}/Dockerfile`);
    // --format docker keeps the Dockerfiles' HEALTHCHECK (the OCI format has no field for it).
    await podman.run(
      ['build', '--pull=never', '--network', 'host', '--format', 'docker', '--label', `${LABEL}=${hash}`,
        '-f', join(ROOT, 'apps', app, 'Dockerfile'), '-t', image, ROOT],
      { timeoutMs: 900_000 },
    );
  }
  const size = await podman.run(['image', 'inspect', '--format', '{{.Size}}', image]);
  return { app, image, sizeBytes: Number(size.stdout.trim()), built, seconds: (Date.now() - started) / 1000 };
}

function inputsHash(app: AppName, baseImageId: string): string {
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', `apps/${app}`, 'packages'], { cwd: ROOT })
    .toString()
    .split('\0')
    .filter(Boolean);
  const hash = createHash('sha256').update(baseImageId);
  for (const file of [...ROOT_INPUTS, ...tracked.sort()]) {
    const content = readFileOrNothing(join(ROOT, file));
    if (content) hash.update(file).update('\0').update(content);
  }
  return hash.digest('hex').slice(0, 16);
}

/** A file listed by git may be deleted in the work tree. */
function readFileOrNothing(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
