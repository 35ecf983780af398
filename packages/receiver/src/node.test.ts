import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeVerifier } from './node.js';
import { newSecret, signedDelivery } from './test-delivery.js';

const secret = newSecret();
const verify = createNodeVerifier({ secrets: secret });
const seen: unknown[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      // Express with express.raw() hands over the bytes as req.body; /raw plays that part.
      if (req.url === '/raw') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        Object.assign(req, { body: Buffer.concat(chunks) });
      }
      if (req.url === '/parsed') Object.assign(req, { body: { orderId: 42 } });
      const event = await verify(req, res);
      if (!event) return;
      seen.push(event);
      res.writeHead(204).end();
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (path: string, delivery: { headers: Headers; body: Uint8Array }) =>
  fetch(`${url}${path}`, { method: 'POST', headers: delivery.headers, body: delivery.body.slice() });

describe('createNodeVerifier', () => {
  it('verifies a (req, res) request, reading the body itself or taking raw bytes from req.body', async () => {
    seen.length = 0;
    expect((await post('/', signedDelivery({ secret, id: 'n-1' }))).status).toBe(204);
    expect((await post('/raw', signedDelivery({ secret, id: 'n-2' }))).status).toBe(204);
    expect(seen).toEqual([expect.objectContaining({ id: 'n-1', data: { orderId: 42 } }), expect.objectContaining({ id: 'n-2' })]);
  });

  it('answers problem+json itself and resolves undefined for a bad delivery', async () => {
    seen.length = 0;
    const forged = await post('/', signedDelivery({ secret: newSecret() }));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toBe('application/problem+json');
    expect(await forged.json()).toMatchObject({ code: 'SIGNATURE_INVALID', status: 401 });
    const parsed = await post('/parsed', signedDelivery({ secret }));
    expect(parsed.status).toBe(400);
    expect(await parsed.json()).toMatchObject({ code: 'EVENT_MALFORMED', detail: expect.stringContaining('express.raw()') });
    expect(seen).toEqual([]);
  });
});
