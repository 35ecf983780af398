import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argsOf, execForm, parseDockerStages } from './lib/dockerfile-stages.ts';

// Lints the images' Dockerfiles without a Docker engine: dockerfile-utils (the validator behind
// the VS Code Docker extension) for syntax, and our own rules, asserted on the parsed stages, for
// what the deployment relies on (turbo prune, non-root, tini, a HEALTHCHECK that really works).
const root = new URL('../../', import.meta.url);
const images = [
  { app: 'gateway', pkg: '@mq/gateway', port: 8080 },
  { app: 'consumer', pkg: '@mq/consumer', port: 8081 },
  { app: 'sample-app', pkg: '@mq/sample-app', port: 3000 },
] as const;
const strict = {
  deprecatedMaintainer: ValidationSeverity.ERROR, directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR, instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR, instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR, instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};
const run = promisify(execFile);

describe.each(images)('apps/$app/Dockerfile', ({ app, pkg, port }) => {
  const content = readFileSync(new URL(`apps/${app}/Dockerfile`, root), 'utf8');
  const stages = parseDockerStages(content);
  const runtime = stages.at(-1)!;
  const runs = stages.flatMap((stage) => argsOf(stage, 'RUN')).join('\n');
  const healthcheck = argsOf(runtime, 'HEALTHCHECK')[0] ?? '';

  it('passes the dockerfile-utils validator with every rule as an error', () => {
    expect(validate(content, strict).map((d) => [d.range.start.line + 1, d.message])).toEqual([]);
  });

  it('builds from node:24-slim in several stages, each later stage from an earlier one or the base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages[0]!.image).toBe('node:24-slim');
    const names = new Set<string>(['node:24-slim']);
    for (const stage of stages) {
      expect(names.has(stage.image), `FROM ${stage.image}`).toBe(true);
      if (stage.name) names.add(stage.name);
    }
    expect(argsOf(runtime, 'ADD')).toEqual([]);
  });

  it('prunes the monorepo with turbo, installs with npm ci and ships production dependencies only', () => {
    expect(runs).toContain(`turbo prune ${pkg} --docker`);
    expect(runs).toMatch(/npm ci\b[^\n]*--ignore-scripts/);
    expect(runs).toContain(`turbo run build --filter=${pkg}...`);
    expect(runs).toMatch(/npm prune --omit=dev/);
  });

  it('drops the npm-packaged Node (root devDependency `node`): the image brings its own Node 24', () => {
    expect(runs).toContain('rm -rf node_modules/node node_modules/.bin/node');
  });

  it('runs as the unprivileged node user under tini, with the contract start command', () => {
    expect(argsOf(runtime, 'USER')).toEqual(['node']);
    const runtimeRuns = argsOf(runtime, 'RUN').join('\n');
    expect(runtimeRuns).toMatch(/apt-get install --yes --no-install-recommends tini\b/);
    expect(runtimeRuns).toContain('rm -rf /var/lib/apt/lists/*');
    expect(execForm(argsOf(runtime, 'ENTRYPOINT')[0] ?? '')).toEqual(['/usr/bin/tini', '--']);
    expect(execForm(argsOf(runtime, 'CMD')[0] ?? '')).toEqual(['node', `apps/${app}/dist/main.js`]);
  });

  it('exposes and defaults to the contract port', () => {
    expect(argsOf(runtime, 'EXPOSE')).toEqual([String(port)]);
    expect(argsOf(runtime, 'ENV').join(' ')).toContain(`PORT=${port}`);
  });

  it('writes nothing at run time: no VOLUME, no npm, code owned by root', () => {
    expect(argsOf(runtime, 'VOLUME')).toEqual([]);
    expect(argsOf(runtime, 'COPY').every((args) => !args.includes('--chown'))).toBe(true);
    expect(argsOf(runtime, 'CMD').join(' ')).not.toContain('npm');
  });

  it('has a HEALTHCHECK on /livez that uses node (slim images have no curl)', () => {
    expect(healthcheck).toMatch(/--interval=\d+s/);
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim());
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain('/livez');
    expect(command[2]).toContain(`process.env.PORT || ${port}`);
  });

  describe('the HEALTHCHECK command against a live server', () => {
    let server: Server;
    let status = 200;
    beforeAll(async () => {
      server = createServer((req, res) => res.writeHead(req.url === '/livez' ? status : 404).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const probe = async () => {
      const script = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim())[2]!;
      const env = { ...process.env, PORT: String((server.address() as AddressInfo).port) };
      return run(process.execPath, ['-e', script], { env }).then(() => 0, (error: { code: number }) => error.code);
    };

    it('exits 0 while /livez answers 200 and 1 when it does not', async () => {
      status = 200;
      expect(await probe()).toBe(0);
      status = 503;
      expect(await probe()).toBe(1);
    });
  });
});

describe('.dockerignore', () => {
  const lines = readFileSync(new URL('.dockerignore', root), 'utf8').split('\n').map((l) => l.trim());
  it('keeps local dependencies, builds and git out of the build context', () => {
    expect(lines).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.local']));
    // what the build needs stays in: the lockfile and the TypeScript base config
    expect(lines.filter((l) => /package-lock|tsconfig|package\.json|^\*$|^\*\*$/.test(l))).toEqual([]);
  });
});
