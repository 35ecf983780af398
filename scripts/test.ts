// `npm test`: brokers (reused or private), build, then every unit and integration test.
// Extra arguments go to vitest: `npm test -- test/e2e` or `npm test -- --project unit`.
import { runWithBrokers } from './lib/run-with-brokers.ts';

await runWithBrokers({ label: 'setup', command: 'vitest', args: ['run', ...process.argv.slice(2)] });
