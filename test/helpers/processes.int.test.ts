import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { runAppToExit, startApp, stopAllApps } from './processes.ts';

// Uses the sample app: the smallest built app, with no broker behind it.
describe('process helper', () => {
  afterAll(stopAllApps);

  it('starts a built app on a free port, captures its output and stops it with a signal', async () => {
    const app = await startApp('sample-app');
    const id = randomUUID();
    const posted = await fetch(`${app.url}/deliveries`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'ce-id': id },
      body: 'hello',
    });
    expect(posted.status).toBe(200);
    const received = (await (await fetch(`${app.url}/received`)).json()) as Array<{ body: string; headers: Record<string, string> }>;
    expect(received.map((r) => [r.body, r.headers['ce-id']])).toEqual([['hello', id]]);
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(app.output()).toContain(`ce-id=${id}`);
    expect(app.logs().some((line) => String(line.msg).includes('listening'))).toBe(true);
  });

  it('writes the config to a temp file given as MQ_CONFIG and removes it on exit', async () => {
    // The sample app ignores MQ_CONFIG; what matters here is the file's life cycle.
    const app = await startApp('sample-app', { config: { topics: {} }, files: { 'schemas/x.json': '{}' } });
    expect(app.configPath && existsSync(app.configPath)).toBe(true);
    await app.stop();
    await expect.poll(() => existsSync(app.configPath!)).toBe(false);
  });

  it('reports the exit code and output of an app that exits on its own', async () => {
    const result = await runAppToExit('sample-app', { env: { PORT: 'not-a-port' } });
    expect(result.code).not.toBe(0);
    expect(result.output.length).toBeGreaterThan(0);
  });

  it('rejects with the output when the app dies before it is healthy', async () => {
    await expect(startApp('sample-app', { env: { PORT: 'not-a-port' }, timeoutMs: 20_000 })).rejects.toThrow(/exited with/);
  });
});
