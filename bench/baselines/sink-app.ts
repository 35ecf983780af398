// The local app the consumer delivers to (and autocannon hits directly as the baseline): reads
// the body, records latency from its `sentAtNs`, answers 204. GET /stats returns the counts,
// POST /reset clears them between phases.
import { createServer } from 'node:http';
import { createLatencyLog } from './latency-log.ts';

const log = createLatencyLog();

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    const ok = req.url === '/readyz';
    res.writeHead(200, { 'content-type': 'application/json' }).end(ok ? 'ok' : JSON.stringify(log.stats()));
    return;
  }
  if (req.url === '/reset') {
    log.reset();
    res.writeHead(204).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    log.record(Buffer.concat(chunks));
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
