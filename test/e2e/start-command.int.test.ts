import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from 'rabbitmq-client';
import { freePort } from '../../scripts/lib/free-port.ts';
import { AMQP_URL } from './stack.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

// The start command as a user meets it: run it, paste the two commands it prints, Ctrl-C.
// Unique names and free ports, so it never meets another run (or a developer's `npm start`).
describe('the start command (scripts/start.ts)', () => {
  const id = randomUUID();
  const names = { topic: `t.${id}`, queue: `t.${id}.q` };
  const dir = mkdtempSync(join(tmpdir(), 'mq-start-'));
  afterAll(async () => {
    const broker = new Connection({ url: AMQP_URL, retryLow: 100, retryHigh: 500 });
    broker.on('error', () => undefined);
    for (const queue of [names.queue, `${names.queue}.dlq`]) await broker.queueDelete({ queue }).catch(() => undefined);
    await broker.exchangeDelete({ exchange: names.topic }).catch(() => undefined);
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a curl that publishes, a command that shows it arrived, and stops cleanly on Ctrl-C', async () => {
    const [gatewayPort, consumerPort, samplePort] = [await freePort(), await freePort(), await freePort()];
    const configPath = join(dir, 'mq.yaml');
    writeFileSync(configPath, JSON.stringify({
      topics: { [names.topic]: { exchange: names.topic, routingKey: 'x.created' } },
      subscriptions: {
        // Signed as examples/local/mq.yaml is: start.ts makes the secret, the sample app verifies.
        sample: {
          queue: names.queue, bind: [{ topic: names.topic }], retry: { maxAttempts: 1 },
          deliver: { url: `http://127.0.0.1:${samplePort}/orders`, signing: { env: 'SAMPLE_SIGNING_SECRET' } },
        },
      },
    }));
    const env = {
      ...process.env, AMQP_URL, MQ_CONFIG: configPath, SAMPLE_SIGNING_SECRET: undefined,
      GATEWAY_PORT: String(gatewayPort), CONSUMER_PORT: String(consumerPort), SAMPLE_APP_PORT: String(samplePort),
    };
    const child = spawn(process.execPath, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done((exitCode = code))));
    try {
      await vi.waitFor(() => {
        if (exitCode !== undefined) throw new Error(`start exited with ${exitCode}:\n${output}`);
        expect(output).toContain('Ctrl-C stops everything');
      }, { timeout: 120_000, interval: 500 });
      const publish = /^\s*(curl -i -X POST .*)$/m.exec(output)?.[1];
      const show = /^\s*(curl -s http\S+\/received)$/m.exec(output)?.[1];
      expect(publish).toContain(`:${gatewayPort}/v1/topics/${names.topic}/messages`);
      expect(show).toBe(`curl -s http://127.0.0.1:${samplePort}/received`);

      const answer = execFileSync('sh', ['-c', publish!], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(answer).toMatch(/^HTTP\/1\.1 202/);
      const accepted = JSON.parse(answer.trim().split('\n').at(-1)!) as { id: string };
      const received = () => JSON.parse(execFileSync('sh', ['-c', show!], { encoding: 'utf8' })) as Array<{ headers: Record<string, string>; body: string; event?: { id: string } }>;
      await expect.poll(() => received().map((r) => r.headers['ce-id']), { timeout: 20_000 }).toEqual([accepted.id]);
      expect(received()[0]!.body).toBe('{"orderId": 42, "total": 9.99}');
      // Verified by the sample app with the secret start.ts generated and gave to both.
      expect(received()[0]!.event?.id).toBe(accepted.id);
      expect(received()[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('gateway exited with 0');
    expect(output).toContain('consumer exited with 0');
  });
});
