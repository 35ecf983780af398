// `npm test`: brokers (reused or private), build, lint, then every unit and integration test.
// Extra arguments go to vitest: `npm test -- test/e2e` or `npm test -- --project unit`.
import { runWithBrokers } from './lib/run-with-brokers.ts';

// A full run (CI's) lints first: the type-aware rules catch an unawaited promise, which would
// lose a publish's error. A focused run (`npm test -- test/e2e`) skips it.
const vitestArgs = process.argv.slice(2);
await runWithBrokers({
  label: 'setup',
  command: 'vitest',
  args: ['run', ...vitestArgs],
  chromium: true,
  checks: vitestArgs.length === 0 ? [{ command: 'eslint', args: ['.'] }] : [],
});
