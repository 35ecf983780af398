// Certificates for TLS tests, made with the openssl CLI in a temp dir: a CA, another CA (the
// "wrong" one), a broker certificate for localhost, an expired one, one for another host name,
// and a client certificate whose CN is the broker user (EXTERNAL login).
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of the PEM files (`*.pem` certificates, `*.key` keys). */
export interface TestCerts {
  dir: string;
  ca: string;
  otherCa: string;
  server: { cert: string; key: string };
  expiredServer: { cert: string; key: string };
  wrongHostServer: { cert: string; key: string };
  client: { cert: string; key: string; user: string };
  /** A client certificate for the same user, signed by the other CA (the broker refuses it). */
  foreignClient: { cert: string; key: string };
  /** What the broker serves: copy one of the server pairs here (then restart the node). */
  served: { cert: string; key: string };
  serve(pair: { cert: string; key: string }): Promise<void>;
  dispose(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`]);
}

/** A leaf signed by `ca` via `openssl ca` (which can set dates in the past). */
async function makeLeaf(dir: string, name: string, options: { cn: string; san?: string; usage: 'serverAuth' | 'clientAuth'; dates?: [string, string]; ca?: string }): Promise<void> {
  await openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${options.cn}`]);
  const ext = [`extendedKeyUsage = ${options.usage}`, 'basicConstraints = CA:FALSE', ...(options.san ? [`subjectAltName = ${options.san}`] : [])];
  await writeFile(join(dir, `${name}.ext`), `${ext.join('\n')}\n`);
  const dates = options.dates ? ['-startdate', options.dates[0], '-enddate', options.dates[1]] : ['-days', '2'];
  await openssl(dir, ['ca', '-batch', '-config', `${options.ca ?? 'ca'}.cnf`, '-notext', '-in', `${name}.csr`, '-out', `${name}.pem`, '-extfile', `${name}.ext`, ...dates]);
}

const caConfig = (name: string) => `[ca]
default_ca = test_ca
[test_ca]
dir = .
database = ${name}.index.txt
new_certs_dir = .
serial = ${name}.serial
certificate = ${name}.pem
private_key = ${name}.key
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
`;

/** Makes every certificate (a few hundred ms); `dispose()` deletes them. */
export async function makeTestCerts(clientUser = 'mq-tls-client'): Promise<TestCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'mq-tls-'));
  for (const ca of ['ca', 'other-ca']) {
    await writeFile(join(dir, `${ca}.cnf`), caConfig(ca));
    await writeFile(join(dir, `${ca}.index.txt`), '');
    await writeFile(join(dir, `${ca}.serial`), '1000\n');
    await makeCa(dir, ca);
  }
  // localhost only, no IP: connecting to 127.0.0.1 is then a host-name mismatch on the same node.
  await makeLeaf(dir, 'server', { cn: 'localhost', san: 'DNS:localhost', usage: 'serverAuth' });
  await makeLeaf(dir, 'expired', { cn: 'localhost', san: 'DNS:localhost', usage: 'serverAuth', dates: ['20200101000000Z', '20200201000000Z'] });
  await makeLeaf(dir, 'wrong-host', { cn: 'broker.example', san: 'DNS:broker.example', usage: 'serverAuth' });
  await makeLeaf(dir, 'client', { cn: clientUser, usage: 'clientAuth' });
  await makeLeaf(dir, 'foreign-client', { cn: clientUser, usage: 'clientAuth', ca: 'other-ca' });
  const pair = (name: string) => ({ cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) });
  const served = pair('served');
  const serve = async (from: { cert: string; key: string }) => {
    await copyFile(from.cert, served.cert);
    await copyFile(from.key, served.key);
  };
  await serve(pair('server'));
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    otherCa: join(dir, 'other-ca.pem'),
    server: pair('server'),
    expiredServer: pair('expired'),
    wrongHostServer: pair('wrong-host'),
    client: { ...pair('client'), user: clientUser },
    foreignClient: pair('foreign-client'),
    served,
    serve,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
