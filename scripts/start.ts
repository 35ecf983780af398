// `npm start`: brokers (reused or private), build, then the gateway, the consumer and the sample
// app with examples/local/mq.yaml; prints a curl to try it. Ctrl-C stops everything in order:
// gateway and consumer drain first, then the sample app, then any broker we started.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runApp, waitHealthy, type RunningApp } from './lib/app-runner.ts';
import { freePort, isPortOpen } from './lib/free-port.ts';
import { LOCAL_DIR } from './lib/rabbit-reaper.ts';
import { buildAll } from './lib/run-command.ts';
import { ensureRabbit, ensureRedis, type Service } from './lib/services.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const EXAMPLE_CONFIG = join(ROOT, 'examples', 'local', 'mq.yaml');
const log = (line: string): void => console.log(`[start] ${line}`);

const services: Service[] = [];
const apps: RunningApp[] = [];
let stopping: Promise<never> | undefined;
// Aborted by a Ctrl-C that comes while we are still starting: main() stops at its next step.
const startup = new AbortController();
let started: Promise<void> = Promise.resolve();

/** Stops apps (gateway and consumer first, then the sample app), then our brokers; exits. */
async function shutdown(code: number): Promise<never> {
  log('stopping');
  startup.abort();
  await started; // so whatever main() was starting is in `apps` / `services` before we stop them
  const [edge, rest] = [apps.filter((a) => a.name !== 'sample-app'), apps.filter((a) => a.name === 'sample-app')];
  for (const group of [edge, rest]) {
    const codes = await Promise.all(group.map(async (app) => `${app.name} exited with ${String(await app.stop())}`));
    codes.forEach((line) => log(line));
  }
  for (const service of services.reverse()) {
    if (service.started) log(`stopping the private broker at ${service.url}`);
    await service.stop().catch((error: unknown) => log(`could not stop ${service.url}: ${String(error)}`));
  }
  process.exit(code);
}

function requestShutdown(code: number): void {
  // npm forwards Ctrl-C to us as well, so a second signal is normal: stop once.
  stopping ??= shutdown(code);
}
process.on('SIGINT', () => requestShutdown(0));
process.on('SIGTERM', () => requestShutdown(0));

/** The preferred port when free, else a free one (another stack may run on this machine). */
async function pickPort(envName: string, preferred: number): Promise<number> {
  const wanted = Number(process.env[envName] ?? preferred);
  if (!(await isPortOpen(wanted))) return wanted;
  const port = await freePort();
  log(`port ${wanted} is taken; using ${port} (set ${envName} to choose)`);
  return port;
}

/** The example config, pointed at the sample app's actual port when it is not 3000. */
function configFor(samplePort: number): string {
  if (process.env.MQ_CONFIG) return resolve(process.env.MQ_CONFIG);
  if (samplePort === 3000) return EXAMPLE_CONFIG;
  const dir = join(LOCAL_DIR, 'start');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'mq.yaml');
  writeFileSync(path, readFileSync(EXAMPLE_CONFIG, 'utf8').replaceAll('127.0.0.1:3000', `127.0.0.1:${samplePort}`));
  return path;
}

/** The env var the example config signs the sample app's deliveries with. */
const SIGNING_ENV = 'SAMPLE_SIGNING_SECRET';

/** What the curl and the signing set-up need from the config (read after the build, with the apps' loader). */
async function readStartConfig(configPath: string): Promise<{ topic: string; signed: boolean }> {
  const { parseConfig } = await import('@mq/config');
  const config = parseConfig(readFileSync(configPath, 'utf8'), configPath);
  const signed = Object.values(config.subscriptions).some((sub) => 'url' in sub.deliver && sub.deliver.signing?.env.includes(SIGNING_ENV));
  return { topic: Object.keys(config.topics)[0] ?? 'orders', signed };
}

/**
 * The local stack's signing secret: the caller's `SAMPLE_SIGNING_SECRET`, else a fresh one per
 * run (never printed). The sample app gets it only when the config signs with it; otherwise it
 * would refuse the unsigned deliveries of a config of your own.
 */
function signingEnv(signed: boolean): { consumer: NodeJS.ProcessEnv; sample: NodeJS.ProcessEnv } {
  if (!signed) return { consumer: {}, sample: { [SIGNING_ENV]: undefined } };
  const secret = process.env[SIGNING_ENV] ?? `whsec_${randomBytes(32).toString('base64')}`;
  return { consumer: { [SIGNING_ENV]: secret }, sample: { [SIGNING_ENV]: secret } };
}

function printTryIt(gateway: RunningApp, sample: RunningApp, configPath: string, topic: string): void {
  const relative = configPath.startsWith(ROOT) ? configPath.slice(ROOT.length + 1) : configPath;
  console.log(`
  The local stack is up (config: ${relative}).
    gateway     ${gateway.url}   (docs: ${gateway.url}/docs)
    consumer    ${apps.find((a) => a.name === 'consumer')?.url ?? ''}   (health, admin API; console: /console)
    sample app  ${sample.url}   (receives the deliveries)

  Publish a message:
    curl -i -X POST ${gateway.url}/v1/topics/${topic}/messages -H 'content-type: application/json' -d '{"orderId": 42, "total": 9.99}'

  See where it arrived (the sample app's received list; "ce-id" is the id the gateway answered):
    curl -s ${sample.url}/received

  Ctrl-C stops everything.
`);
}

/** Throws once a shutdown has begun, so main() starts nothing more. */
function checkNotStopping(): void {
  if (startup.signal.aborted) throw new Error('stopped while starting');
}

async function main(): Promise<void> {
  const rabbit = await ensureRabbit(log);
  services.push(rabbit);
  checkNotStopping();
  const redis = await ensureRedis(log);
  services.push(redis);
  checkNotStopping();
  log('building');
  await buildAll();
  checkNotStopping();
  const samplePort = await pickPort('SAMPLE_APP_PORT', 3000);
  const configPath = configFor(samplePort);
  const startConfig = await readStartConfig(configPath);
  const signing = signingEnv(startConfig.signed);
  if (startConfig.signed) log(`signing deliveries with a secret in ${SIGNING_ENV}; the sample app verifies them`);
  const env = (port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    AMQP_URL: rabbit.url,
    REDIS_URL: redis.url,
    MQ_CONFIG: configPath,
    HOST: '127.0.0.1',
    PORT: String(port),
    ...extra,
  });
  const sample = runApp(ROOT, 'sample-app', samplePort, env(samplePort, signing.sample), 0);
  apps.push(sample);
  await waitHealthy(sample, '/livez', startup.signal);
  checkNotStopping();
  const gatewayPort = await pickPort('GATEWAY_PORT', 8080);
  const consumerPort = await pickPort('CONSUMER_PORT', 8081);
  const gateway = runApp(ROOT, 'gateway', gatewayPort, env(gatewayPort), 1);
  const consumer = runApp(ROOT, 'consumer', consumerPort, env(consumerPort, signing.consumer), 2);
  apps.push(gateway, consumer);
  for (const app of apps) {
    void app.exited.then((code) => {
      if (stopping) return;
      log(`${app.name} exited unexpectedly with ${String(code)}`);
      requestShutdown(1);
    });
  }
  await Promise.all([waitHealthy(gateway, '/readyz', startup.signal), waitHealthy(consumer, '/readyz', startup.signal)]);
  printTryIt(gateway, sample, configPath, startConfig.topic);
}

started = main().catch((error: unknown) => {
  if (startup.signal.aborted) return; // a Ctrl-C while starting: shutdown() is already on it
  log(`failed: ${(error as Error).message}`);
  requestShutdown(1);
});
