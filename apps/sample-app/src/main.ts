import { serve } from '@hono/node-server';
import { createSampleApp } from './app.js';

// A demo and test app that receives the consumer's deliveries. PORT (default 3000), HOST
// (default 127.0.0.1), SAMPLE_QUIET=1 to stop the per-delivery log line (benchmarks).
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`config error: environment: PORT: not a port number: ${process.env.PORT}`);
  process.exit(1);
}
const hostname = process.env.HOST ?? '127.0.0.1';
const quiet = process.env.SAMPLE_QUIET === '1';

const { app } = createSampleApp({ log: quiet ? undefined : (line) => console.log(line) });
const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  console.log(`sample-app listening on http://${hostname}:${info.port}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  // keep-alive connections from the consumer would hold close() open
  (server as { closeAllConnections?: () => void }).closeAllConnections?.();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
