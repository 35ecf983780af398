// The shape of `npm test` and `npm run bench`: brokers (reused or private), build, one command
// with AMQP_URL / REDIS_URL pointing at them, then stop what we started and exit with its code.
import { buildAll, runCommand, type RunningCommand } from './run-command.ts';
import { ensureChromium, ensureRabbit, ensureRedis, type Service } from './services.ts';

/** What to run once the brokers are there and the build is done. */
export interface RunWithBrokersOptions {
  /** Prefix of our own log lines, e.g. `setup`. */
  label: string;
  command: string;
  args: string[];
  /** Also make sure a Redis answers (the consumer's dedup store and its tests). @default true */
  redis?: boolean;
  /** Also make sure Chromium is installed (the console's browser tests). @default false */
  chromium?: boolean;
  /** Commands that must pass, after the build, before the main one runs (e.g. lint). */
  checks?: { command: string; args: string[] }[];
}

/** Runs the command and exits the process with its exit code. */
export async function runWithBrokers(options: RunWithBrokersOptions): Promise<never> {
  const log = (line: string): void => console.log(`[${options.label}] ${line}`);
  const services: Service[] = [];
  let running: RunningCommand | undefined;
  // Ctrl-C reaches the command too (same terminal): let it finish, then clean up below. SIGTERM
  // (a CI timeout) goes only to us, so pass it on.
  process.on('SIGINT', () => log('interrupted; stopping'));
  process.on('SIGTERM', () => {
    log('terminated; stopping');
    running?.child.kill('SIGTERM');
  });

  let code = 1;
  try {
    const rabbit = await ensureRabbit(log);
    services.push(rabbit);
    const env: NodeJS.ProcessEnv = { ...process.env, AMQP_URL: rabbit.url };
    if (options.redis ?? true) {
      const redis = await ensureRedis(log);
      services.push(redis);
      env.REDIS_URL = redis.url;
    }
    if (options.chromium) ensureChromium(log);
    log('building');
    await buildAll();
    for (const check of options.checks ?? []) {
      log(`checking: ${check.command} ${check.args.join(' ')}`);
      running = runCommand(check.command, check.args, env);
      code = await running.exited;
      if (code !== 0) throw new Error(`${check.command} failed (exit ${code})`);
    }
    running = runCommand(options.command, options.args, env);
    code = await running.exited;
  } catch (error) {
    log((error as Error).message);
  } finally {
    for (const service of services.reverse()) {
      if (service.started) log(`stopping the private broker at ${service.url}`);
      await service.stop().catch((error: unknown) => log(`could not stop ${service.url}: ${String(error)}`));
    }
  }
  process.exit(code);
}
