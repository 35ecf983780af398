// `npm test`: brokers (reused or private), build, then every unit and integration test.
// Extra arguments go to vitest: `npm test -- test/e2e` or `npm test -- --project unit`.
import { buildAll, runCommand } from './lib/run-command.ts';
import { ensureRabbit, ensureRedis, type Service } from './lib/services.ts';

const log = (line: string): void => console.log(`[setup] ${line}`);
const services: Service[] = [];
let vitest: ReturnType<typeof runCommand> | undefined;

// Ctrl-C reaches vitest too (same terminal): let it finish, then clean up below. SIGTERM (a CI
// timeout) goes only to us, so pass it on.
process.on('SIGINT', () => log('interrupted; stopping'));
process.on('SIGTERM', () => {
  log('terminated; stopping');
  vitest?.child.kill('SIGTERM');
});

let code = 1;
try {
  const rabbit = await ensureRabbit(log);
  services.push(rabbit);
  const redis = await ensureRedis(log);
  services.push(redis);
  log('building');
  await buildAll();
  const env = { ...process.env, AMQP_URL: rabbit.url, REDIS_URL: redis.url };
  vitest = runCommand('vitest', ['run', ...process.argv.slice(2)], env);
  code = await vitest.exited;
} catch (error) {
  console.error(`[setup] ${(error as Error).message}`);
} finally {
  for (const service of services.reverse()) {
    if (service.started) log(`stopping the private broker at ${service.url}`);
    await service.stop();
  }
}
process.exit(code);
