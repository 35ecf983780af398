// The app end of the chaos test, built as a user would build it: a node:http server that verifies
// each signed delivery with @mq/receiver and processes each CloudEvent id once (dedup by the
// event id, as an app should), counting the deliveries it had to drop as repeats and the ones the
// receiver refused (a bad signature would be one).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeVerifier } from '@mq/receiver/node';

export interface RecordingApp {
  readonly url: string;
  /** The Standard Webhooks secret (`whsec_...`) the consumer must sign with. */
  readonly secret: string;
  /** Times each id was processed: 1 for each, by the dedup. */
  readonly processed: Map<string, number>;
  /** Deliveries of an id that was already processed (acked, not processed again). */
  readonly repeats: () => number;
  /** Every verified delivery received, repeats included. */
  readonly deliveries: () => number;
  /** Deliveries the receiver refused (answered 401/400). */
  readonly refused: () => number;
  close(): Promise<void>;
}

export async function startRecordingApp(): Promise<RecordingApp> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const verify = createNodeVerifier({ secrets: secret });
  const processed = new Map<string, number>();
  const counts = { repeats: 0, deliveries: 0, refused: 0 };
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(req.method === 'HEAD' ? 200 : 405).end();
      return;
    }
    void verify(req, res).then((event) => {
      if (!event) {
        counts.refused++;
        return;
      }
      counts.deliveries++;
      if (processed.has(event.id)) counts.repeats++;
      else processed.set(event.id, 1); // the "effect": done once per id
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secret,
    processed,
    repeats: () => counts.repeats,
    deliveries: () => counts.deliveries,
    refused: () => counts.refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
