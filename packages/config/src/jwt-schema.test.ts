import { describe, expect, it } from 'vitest';
import { parseConfig, parseEnv } from './load.js';

const withJwt = (jwt: string) => `topics:\n  orders: {exchange: orders}\nauth:\n  jwt: ${jwt}\n`;

describe('auth.jwt', () => {
  it('parses the CONTRACT.md shape', () => {
    const config = parseConfig(
      withJwt(`{issuer: "https://id.example.com/", audience: mq-gateway, jwksUrl: "https://id.example.com/.well-known/jwks.json", algorithms: [RS256, ES256], topicsClaim: mq_publish, rateLimit: 50}`),
      'mq.yaml',
    );
    expect(config.auth.jwt).toEqual({
      issuer: 'https://id.example.com/',
      audience: 'mq-gateway',
      jwksUrl: 'https://id.example.com/.well-known/jwks.json',
      algorithms: ['RS256', 'ES256'],
      topicsClaim: 'mq_publish',
      rateLimit: 50,
    });
  });

  it('defaults algorithms and topicsClaim; publicKeyFile instead of jwksUrl', () => {
    const config = parseConfig(withJwt(`{issuer: i, audience: a, publicKeyFile: keys/idp.pem}`), 'mq.yaml');
    expect(config.auth.jwt).toMatchObject({ publicKeyFile: 'keys/idp.pem', algorithms: ['RS256', 'ES256'], topicsClaim: 'mq_publish' });
  });

  it.each([
    ['HS256', `{issuer: i, audience: a, jwksUrl: "https://i/j", algorithms: [HS256]}`, /auth\.jwt\.algorithms\.0/],
    ['none', `{issuer: i, audience: a, jwksUrl: "https://i/j", algorithms: [none]}`, /auth\.jwt\.algorithms\.0/],
    ['no key source', `{issuer: i, audience: a}`, /exactly one of jwksUrl and publicKeyFile/],
    ['both key sources', `{issuer: i, audience: a, jwksUrl: "https://i/j", publicKeyFile: k.pem}`, /exactly one/],
    ['a bad JWKS URL', `{issuer: i, audience: a, jwksUrl: "ftp://i/j"}`, /auth\.jwt\.jwksUrl/],
    ['an unknown key', `{issuer: i, audience: a, jwksUrl: "https://i/j", secret: x}`, /secret/],
  ])('rejects %s with one line', (_case, jwt, message) => {
    expect(() => parseConfig(withJwt(jwt), 'mq.yaml')).toThrow(message);
  });
});

describe('TLS environment', () => {
  it('refuses unreadable PEM files and a mix of amqp:// and amqps:// at boot', () => {
    expect(() => parseEnv({ AMQP_CA_FILE: '/nonexistent/ca.pem' }, 8080)).toThrow(/environment: AMQP_CA_FILE: cannot read the file/);
    expect(() => parseEnv({ AMQP_URL: 'amqps://a:5671,amqp://b:5672' }, 8080)).toThrow(/AMQP_URL: all URLs must be amqp:\/\/ or all amqps:\/\//);
    expect(parseEnv({ AMQP_URL: 'amqps://a,amqps://b', AMQP_CA_FILE: import.meta.filename }, 8080).AMQP_CA_FILE).toBe(import.meta.filename);
  });
});
