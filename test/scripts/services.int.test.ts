import { afterEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { answersAmqp, freePort } from '../../scripts/lib/free-port.ts';
import { ensureRabbit, ensureRedis, type Service } from '../../scripts/lib/services.ts';

// The set-up of `npm start` / `npm test`: reuse what answers, else start a private broker.
describe('ensureRabbit / ensureRedis', () => {
  const started: Service[] = [];
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);
  afterEach(async () => {
    vi.unstubAllEnvs();
    lines.length = 0;
    for (const service of started.splice(0)) await service.stop();
  });

  it('reuses the broker at AMQP_URL when it answers the AMQP handshake', async () => {
    const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
    vi.stubEnv('AMQP_URL', url);
    const service = await ensureRabbit(log);
    expect(service).toMatchObject({ url, started: false });
  });

  it('reuses a cluster list when any of its nodes answers', async () => {
    const answering = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
    const url = `amqp://guest:guest@127.0.0.1:${await freePort()},${answering}`;
    vi.stubEnv('AMQP_URL', url);
    expect(await ensureRabbit(log)).toMatchObject({ url, started: false });
  });

  it('starts a private node when nothing answers at AMQP_URL, and stops it', async () => {
    vi.stubEnv('AMQP_URL', `amqp://guest:guest@127.0.0.1:${await freePort()}`);
    const service = await ensureRabbit(log);
    started.push(service);
    expect(service.started).toBe(true);
    const port = Number(new URL(service.url).port);
    expect(await answersAmqp(port)).toBe(true);
    expect(lines.join('\n')).toMatch(/nothing answers .* starting a private node/);
    await started.pop()!.stop();
    expect(await answersAmqp(port)).toBe(false);
  });

  it('starts a private redis-server when nothing answers at REDIS_URL', async () => {
    vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${await freePort()}`);
    const service = await ensureRedis(log);
    started.push(service);
    expect(service.started).toBe(true);
    const redis = new Redis(service.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
  });
});
