// The app end of the chaos test: a plain node:http server that takes the consumer's deliveries
// and processes each CloudEvent id once (dedup by `ce-id`, as an app should), counting the
// deliveries it had to drop as repeats. (To be replaced by one built on the receiver package.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingApp {
  readonly url: string;
  /** Times each id was processed: 1 for each, by the dedup. */
  readonly processed: Map<string, number>;
  /** Deliveries of an id that was already processed (acked, not processed again). */
  readonly repeats: () => number;
  /** Every delivery received, repeats included. */
  readonly deliveries: () => number;
  close(): Promise<void>;
}

export async function startRecordingApp(): Promise<RecordingApp> {
  const processed = new Map<string, number>();
  let repeats = 0;
  let deliveries = 0;
  const server: Server = createServer((req, res) => {
    req.resume(); // the body is not needed, only the id
    req.on('end', () => {
      const id = req.headers['ce-id'];
      if (req.method !== 'POST' || typeof id !== 'string') {
        res.writeHead(req.method === 'HEAD' ? 200 : 400).end();
        return;
      }
      deliveries++;
      if (processed.has(id)) repeats++;
      else processed.set(id, 1); // the "effect": done once per id
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    processed,
    repeats: () => repeats,
    deliveries: () => deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
