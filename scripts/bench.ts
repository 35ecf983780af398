// `npm run bench`: brokers (reused or private), build, then bench/run.ts (its own README and
// `npm run bench -- --help` say what it measures). Extra arguments go to it: `-- --quick`.
import { runWithBrokers } from './lib/run-with-brokers.ts';

await runWithBrokers({ label: 'bench-setup', command: process.execPath, args: ['bench/run.ts', ...process.argv.slice(2)], redis: false });
