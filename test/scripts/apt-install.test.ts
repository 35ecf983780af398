import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aptInstall, ensureChromium } from '../../scripts/lib/services.ts';

// The install branch can't run for real on a machine that has the packages, so fake apt-get
// and sudo on the PATH record how they were called.
describe('aptInstall', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-apt-'));
  const calls = join(dir, 'calls.txt');
  for (const command of ['apt-get', 'sudo']) {
    const script = join(dir, command);
    const passOn = command === 'sudo' ? '\nexec "$@"' : '';
    writeFileSync(script, `#!/bin/sh\necho "${command} $*" >> ${calls}${passOn}\n`);
    chmodSync(script, 0o755);
  }
  const lines: string[] = [];
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    rmSync(calls, { force: true });
    lines.length = 0;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs apt-get update, then a non-interactive install', () => {
    vi.stubEnv('PATH', `${dir}:${process.env.PATH}`);
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    aptInstall('rabbitmq-server', (line) => lines.push(line));
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['apt-get update', 'apt-get install -y rabbitmq-server']);
    expect(lines).toContain('$ env DEBIAN_FRONTEND=noninteractive apt-get install -y rabbitmq-server');
  });

  it('goes through sudo when not root', () => {
    vi.stubEnv('PATH', `${dir}:${process.env.PATH}`);
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    aptInstall('redis-server', () => undefined);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'sudo apt-get update',
      'apt-get update',
      'sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server',
      'apt-get install -y redis-server',
    ]);
  });

  it('fails with the step that failed', () => {
    writeFileSync(join(dir, 'apt-get'), '#!/bin/sh\nexit 100\n');
    vi.stubEnv('PATH', `${dir}:${process.env.PATH}`);
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    expect(() => aptInstall('rabbitmq-server', () => undefined)).toThrow(/installing rabbitmq-server failed: apt-get exited with 100/);
  });

  it('installs chromium for the browser tests only when its executable is missing', () => {
    vi.stubEnv('PATH', `${dir}:${process.env.PATH}`);
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    const present = join(dir, 'apt-get');
    writeFileSync(present, `#!/bin/sh\necho "apt-get $*" >> ${calls}\n`);
    expect(ensureChromium(() => undefined, present)).toBe(present);
    expect(() => readFileSync(calls, 'utf8')).toThrow(); // nothing was installed
    expect(() => ensureChromium(() => undefined, join(dir, 'no-chromium'))).toThrow(/did not provide/);
    expect(readFileSync(calls, 'utf8')).toContain('apt-get install -y chromium');
  });
});
