// The control endpoints every baseline consumer serves: GET /readyz, POST /reset, and the
// latency stats on any other GET.
import { createServer, type Server } from 'node:http';
import type { createLatencyLog } from './latency-log.ts';

export function serveControl(ready: () => boolean, log: ReturnType<typeof createLatencyLog>): Server {
  return createServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(ready() ? 200 : 503).end();
    } else if (req.url === '/reset') {
      log.reset();
      res.writeHead(204).end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log.stats()));
    }
  }).listen(Number(process.env.PORT ?? 0), '127.0.0.1');
}
