// TLS to the broker against a real TLS listener: a private RabbitMQ node with certificates this
// test makes (test/helpers/tls-certs.ts). Server verification with AMQP_CA_FILE, client-certificate
// login with SASL EXTERNAL, each certificate failure stopping the gateway with one line, and a
// reconnect over TLS after the node restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { freePort } from '../../scripts/lib/free-port.ts';
import { startRabbitNode, type RabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { runAppToExit, startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.ts';
import { createSink, publish, rawConnection, uniqueName, type Sink } from './broker.ts';

describe('gateway over TLS to a private RabbitMQ node', () => {
  let certs: TestCerts;
  let node: RabbitNode;
  let tlsPort: number;
  let conn: Connection;
  let sink: Sink;
  const exchange = uniqueName('tls');
  const config = { topics: { orders: { exchange, routingKey: 'o' } } };

  /** `ssl` and `auth_mechanism` of the broker's client connections, by user. */
  const brokerConnections = async () => {
    const out = await node.ctl(['list_connections', 'user', 'ssl', 'auth_mechanism', '--no-table-headers', '--quiet']);
    return out.trim().split('\n').filter(Boolean).map((line) => line.split('\t'));
  };
  const tlsEnv = (url: string, extra: Record<string, string> = {}) => ({ AMQP_URL: url, AMQP_CA_FILE: certs.ca, ...extra });
  const external = () => tlsEnv(`amqps://localhost:${tlsPort}`, { AMQP_CERT_FILE: certs.client.cert, AMQP_KEY_FILE: certs.client.key });
  const stderrLines = (output: string) => output.split('\n').filter((line) => line.startsWith('gateway:'));

  beforeAll(async () => {
    certs = await makeTestCerts();
    tlsPort = await freePort();
    node = await startRabbitNode({
      prefix: 'tls',
      plugins: ['rabbitmq_auth_mechanism_ssl'],
      config: {
        'listeners.ssl.default': `127.0.0.1:${tlsPort}`,
        'ssl_options.cacertfile': certs.ca,
        'ssl_options.certfile': certs.served.cert,
        'ssl_options.keyfile': certs.served.key,
        'ssl_options.verify': 'verify_peer',
        // Clients without a certificate may still log in with PLAIN over TLS.
        'ssl_options.fail_if_no_peer_cert': 'false',
        'auth_mechanisms.1': 'EXTERNAL',
        'auth_mechanisms.2': 'PLAIN',
        'ssl_cert_login_from': 'common_name',
      },
    });
    await node.ctl(['add_user', certs.client.user, `unused-${Math.random()}`]);
    await node.ctl(['set_permissions', '-p', '/', certs.client.user, '.*', '.*', '.*']);
    conn = rawConnection(node.url);
    sink = await createSink(conn, exchange);
  });

  afterAll(async () => {
    await stopAllApps();
    await sink?.dispose();
    await conn?.close();
    await node?.dispose();
    await certs?.dispose();
  });

  it('connects over amqps:// verifying the broker with AMQP_CA_FILE (PLAIN over TLS)', async () => {
    const gateway = await startApp('gateway', { config, env: tlsEnv(`amqps://guest:guest@localhost:${tlsPort}`) });
    expect((await publish(gateway.url, 'orders', '{"n":1}')).status).toBe(202);
    expect(await brokerConnections()).toContainEqual(['guest', 'true', 'PLAIN']);
    await gateway.stop();
  });

  describe('with a client certificate (EXTERNAL)', () => {
    let gateway: AppProcess;

    it('logs in as the certificate\'s CN with SASL EXTERNAL', async () => {
      gateway = await startApp('gateway', { config, env: external() });
      expect((await publish(gateway.url, 'orders', '{"n":2}')).status).toBe(202);
      expect(await brokerConnections()).toContainEqual([certs.client.user, 'true', 'EXTERNAL']);
    });

    it('reconnects over TLS after the node restarts', async () => {
      await node.restart();
      await expect.poll(async () => (await fetch(`${gateway.url}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
      expect((await publish(gateway.url, 'orders', '{"n":3}')).status).toBe(202);
      expect(await brokerConnections()).toContainEqual([certs.client.user, 'true', 'EXTERNAL']);
      expect(gateway.output()).not.toMatch(/TLS to the broker failed/);
    });

    it('an expired broker certificate stops the running gateway at its reconnect, and the next boot, with one line', async () => {
      await certs.serve(certs.expiredServer);
      await node.restart();
      expect(await gateway.exited).toBe(1);
      expect(stderrLines(gateway.output())).toEqual([expect.stringMatching(/^gateway: TLS to the broker failed: the broker's certificate has expired \(CERT_HAS_EXPIRED\)$/)]);
      const boot = await runAppToExit('gateway', { config, env: external() });
      expect(boot.code).toBe(1);
      expect(stderrLines(boot.output)).toEqual([expect.stringMatching(/certificate has expired/)]);
      await certs.serve(certs.server);
      await node.restart();
    }, 120_000);
  });

  it.each([
    ['a wrong CA', () => tlsEnv(`amqps://guest:guest@localhost:${tlsPort}`, { AMQP_CA_FILE: certs.otherCa }), /not signed by a trusted CA \(\w+; check AMQP_CA_FILE\)$/],
    ['a host name the certificate does not cover', () => tlsEnv(`amqps://guest:guest@127.0.0.1:${tlsPort}`), /does not cover the host in AMQP_URL: .*127\.0\.0\.1.* \(ERR_TLS_CERT_ALTNAME_INVALID\)$/],
  ])('%s stops the boot with exit 1 and one line naming the cause', async (_case, env, line) => {
    const { code, output } = await runAppToExit('gateway', { config, env: env() });
    expect(code).toBe(1);
    const lines = stderrLines(output);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gateway: TLS to the broker failed: /);
    expect(lines[0]).toMatch(line);
    // No plaintext fallback: the one connection the broker has is this test's own (plain TCP).
    expect(await brokerConnections()).toEqual([['guest', 'false', 'PLAIN']]);
  });

  it('a client certificate the broker does not trust stops the boot with one line', async () => {
    const env = tlsEnv(`amqps://localhost:${tlsPort}`, { AMQP_CERT_FILE: certs.foreignClient.cert, AMQP_KEY_FILE: certs.foreignClient.key });
    const { code, output } = await runAppToExit('gateway', { config, env });
    expect(code).toBe(1);
    expect(stderrLines(output)).toEqual([expect.stringMatching(/^gateway: TLS to the broker failed: the broker refused our client certificate: .* \(ERR_SSL_\w+\)$/)]);
  });

  it('the consumer stops on a certificate failure the same way', async () => {
    const env = tlsEnv(`amqps://guest:guest@localhost:${tlsPort}`, { AMQP_CA_FILE: certs.otherCa });
    const { code, output } = await runAppToExit('consumer', { config, env });
    expect(code).toBe(1);
    expect(output.split('\n').filter((line) => line.startsWith('consumer:'))).toEqual([
      expect.stringMatching(/^consumer: TLS to the broker failed: the broker's certificate is not signed by a trusted CA/),
    ]);
  });
});
