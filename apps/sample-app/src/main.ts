import { serve } from '@hono/node-server';
import { createSampleApp } from './app.js';

// A demo and test app that receives the consumer's deliveries. PORT (default 3000), HOST
// (default 127.0.0.1), SAMPLE_QUIET=1 to stop the per-delivery log line (benchmarks),
// SAMPLE_SIGNING_SECRET = the subscription's `whsec_` secret(s), space- or comma-separated, to
// verify every delivery with @mq/receiver.
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`config error: environment: PORT: not a port number: ${process.env.PORT}`);
  process.exit(1);
}
const hostname = process.env.HOST ?? '127.0.0.1';
const quiet = process.env.SAMPLE_QUIET === '1';

const signingSecrets = (process.env.SAMPLE_SIGNING_SECRET ?? '').split(/[\s,]+/).filter(Boolean);

let sample: ReturnType<typeof createSampleApp>;
try {
  sample = createSampleApp({ log: quiet ? undefined : (line) => console.log(line), signingSecrets });
} catch (error) {
  // The receiver refuses a secret that is not whsec_ + base64 of 24..64 bytes (never printed).
  console.error(`config error: environment: SAMPLE_SIGNING_SECRET: ${(error as Error).message}`);
  process.exit(1);
}
const { app } = sample;
const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  const verifying = signingSecrets.length ? ` (verifying signed deliveries with ${signingSecrets.length} secret(s))` : '';
  console.log(`sample-app listening on http://${hostname}:${info.port}${verifying}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  // keep-alive connections from the consumer would hold close() open
  (server as { closeAllConnections?: () => void }).closeAllConnections?.();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
