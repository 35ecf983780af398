import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toRabbitOptions } from './connection.js';
import { normalizeConnectionOptions, normalizePublisherOptions, normalizeRetryPolicy } from './options.js';

describe('options', () => {
  it('fills connection defaults and maps every URL to a host tried in turn', () => {
    const options = normalizeConnectionOptions({ urls: ['amqp://u:p@a:5673/vh', 'amqp://u:p@b'] });
    expect(options).toMatchObject({ heartbeatSeconds: 30, reconnectInitialDelayMs: 1000, reconnectMaxDelayMs: 30_000 });
    expect(toRabbitOptions(options)).toMatchObject({ url: 'amqp://u:p@a:5673/vh', hosts: ['a:5673', 'b:5672'], heartbeat: 30, retryLow: 1000, retryHigh: 30_000 });
    expect(toRabbitOptions(options).tls).toBeUndefined();
  });

  it('uses TLS for amqps URLs, on port 5671 by default', () => {
    const rabbit = toRabbitOptions(normalizeConnectionOptions({ urls: ['amqps://u:p@secure'] }));
    expect(rabbit.hosts).toEqual(['secure:5671']);
    expect(rabbit.tls).toEqual({ ca: undefined, cert: undefined, key: undefined });
  });

  it('reads the CA, client certificate and key from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-tls-'));
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), `-----${name}-----`);
    const tls = { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
    const rabbit = toRabbitOptions(normalizeConnectionOptions({ urls: ['amqps://u:p@secure:5671'], tls }));
    expect(rabbit.tls).toEqual({ ca: Buffer.from('-----ca.pem-----'), cert: Buffer.from('-----cert.pem-----'), key: Buffer.from('-----key.pem-----') });
    rmSync(dir, { recursive: true });
  });

  it('rejects nonsense', () => {
    expect(() => normalizeConnectionOptions({ urls: [] })).toThrow(/at least one/);
    expect(() => normalizeConnectionOptions({ urls: ['amqps://a', 'amqp://b'] })).toThrow(/must all be amqp/);
    expect(() => normalizeConnectionOptions({ urls: ['amqp://a'], reconnectInitialDelayMs: 0 })).toThrow(/reconnectInitialDelayMs/);
    expect(() => normalizePublisherOptions({ maxInFlight: 0 })).toThrow(/maxInFlight/);
    expect(() => normalizeRetryPolicy({ maxDelayMs: 10, initialDelayMs: 100 })).toThrow(/maxDelayMs/);
  });
});
