// A local OTLP/HTTP receiver that accepts and discards exports (JSON or protobuf), so "tracing on"
// pays the real cost of building and sending spans without a collector's CPU in the numbers.
// GET /stats tells how many export requests and bytes arrived, proving tracing was really on.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests, bytes }));
    return;
  }
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    requests++;
    const json = (req.headers['content-type'] ?? '').includes('json');
    // An empty ExportTraceServiceResponse: `{}` in JSON, zero bytes in protobuf.
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
