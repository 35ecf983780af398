// Thousands of random requests against the built gateway and the real broker: whatever arrives,
// the gateway answers (no 5xx but 503), stays up, stores exactly the messages it said 202 to, and
// no answer shows a stack trace, a file path or an internal error message.
import { request, Agent } from 'node:http';
import { startTestIdp, unsignedToken, type TestIdp } from '@mq/auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { createSink, rawConnection, uniqueName, type Sink } from './broker.ts';
import { findInternalLeak } from './leaks.ts';

const REQUESTS = 2500;
const CONCURRENCY = 8;
const TOKEN = 'fuzz-secret-token';
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded PRNG, so a failure can be replayed with FUZZ_SEED. */
function prng(start: number): () => number {
  let a = start;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
/** JWTs signed by the test's identity provider (publicKeyFile), made before the run. */
const jwts: { valid: string[]; bad: string[] } = { valid: [], bad: [] };
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
const junk = (max: number, alphabet = 'abcXYZ019._-~%/?#&=+*!$\'"()[]{};:@,<>\\|^` \t\u00e9\u00ff') =>
  Array.from({ length: Math.floor(random() * max) }, () => pick([...alphabet])).join('');

interface Fuzzed {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const topics = ['orders', 'events', 'images', 'nope', '', '..', '%2e%2e', 'ORDERS', 'a'.repeat(200), junk(20)];
const contentTypes = ['application/json', 'application/cloudevents+json', 'text/plain', 'image/png', 'application/octet-stream', '', 'json', 'application/json; charset=utf-8', junk(40)];

function fuzzBody(): Buffer {
  return pick([
    () => Buffer.from(JSON.stringify({ orderId: `o-${Math.floor(random() * 1e9)}`, amount: Math.floor(random() * 100) })),
    () => Buffer.from(JSON.stringify({ messages: Array.from({ length: Math.floor(random() * 8) }, () => ({ data: chance(0.8) ? { orderId: junk(10), amount: 1 } : junk(5), ...(chance(0.2) ? { id: junk(12) } : {}), ...(chance(0.2) ? { routingKey: junk(8) } : {}), ...(chance(0.2) ? { headers: { [junk(6)]: junk(6) } } : {}) })) })),
    () => Buffer.from(junk(200)),
    () => Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256))),
    () => Buffer.alloc(Math.floor(random() * 300_000), 'x'),
    () => Buffer.from('{"orderId": "x", "amount": '),
    () => Buffer.alloc(0),
  ])();
}

/** A request that should be accepted; the fuzzer then breaks 0 to 3 things about it. */
function validRequest(): Fuzzed {
  const batch = chance(0.3);
  const order = () => ({ orderId: `o-${Math.floor(random() * 1e9)}`, amount: Math.floor(random() * 100) });
  const body = batch ? { messages: Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({ data: order() })) } : order();
  return {
    method: 'POST',
    path: `/v1/topics/${pick(['orders', 'events'])}/messages${batch ? '/batch' : ''}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: Buffer.from(JSON.stringify(body)),
  };
}

const mutations: Array<(f: Fuzzed) => void> = [
  (f) => (f.method = pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])),
  (f) => (f.path = encodePath(`/v1/topics/${pick(topics)}${pick(['/messages', '/messages/batch', '/messages/', '/messages/batch/x', '', `/${junk(10)}`])}`)),
  (f) => (f.path += pick(['?routingKey=ev.x', `?routingKey=${encodeURIComponent(junk(12))}`, `?${encodeURIComponent(junk(15))}`, '?routingKey=a&routingKey=b'])),
  (f) => (f.path = encodePath(pick([`/${junk(30)}`, '/readyz', '/livez', '/metrics', '//v1//topics', '/openapi.json']))),
  (f) => (f.headers['content-type'] = pick(contentTypes)),
  (f) => delete f.headers['content-type'],
  (f) => (f.headers.authorization = pick(['Bearer wrong', 'Basic x', `bearer ${TOKEN}`, `Bearer ${TOKEN}x`, junk(30)])),
  (f) => (f.headers.authorization = `Bearer ${pick([...jwts.valid, ...jwts.bad, `${b64(junk(20))}.${b64(junk(40))}.${b64(junk(20))}`, `${b64('{"alg":"RS256"}')}.${b64(junk(30))}.x`, 'a.b.c', '..'])}`),
  (f) => delete f.headers.authorization,
  (f) => (f.headers['idempotency-key'] = pick([`k-${Math.floor(random() * 1e12)}`, junk(20), 'k'.repeat(300)])),
  (f) => (f.headers.traceparent = pick(['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', junk(55)])),
  (f) => (f.headers[`x-${junk(8).replace(/[^a-z]/g, 'a') || 'a'}`] = junk(20)),
  (f) => (f.body = fuzzBody()),
];

/** encodeURI leaves "#" alone, which would end the request target. */
const encodePath = (path: string) => encodeURI(path).replaceAll('#', '%23');

function fuzzRequest(): Fuzzed {
  const f = validRequest();
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) pick(mutations)(f);
  return f;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

function send(agent: Agent, port: number, f: Fuzzed): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: f.method, path: f.path, headers: f.headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within 30 s: ${f.method} ${f.path}`)));
    // The gateway may answer 413 and close before reading a large body: that is an answer too.
    req.on('error', reject);
    if (f.method === 'GET') req.end();
    else req.end(f.body);
  });
}

describe(`gateway fuzz (FUZZ_SEED=${seed})`, () => {
  let conn: Connection;
  let gateway: AppProcess;
  let idp: TestIdp;
  const sinks: Sink[] = [];
  const exchanges = { orders: uniqueName('orders'), events: uniqueName('events'), images: uniqueName('images') };

  beforeAll(async () => {
    conn = rawConnection();
    for (const exchange of Object.values(exchanges)) sinks.push(await createSink(conn, exchange));
    idp = await startTestIdp();
    const now = Math.floor(Date.now() / 1000);
    jwts.valid = await Promise.all(['a', 'b'].map((sub) => idp.sign({ claims: { sub, mq_publish: ['orders', 'events'] } })));
    jwts.bad = [
      await idp.sign({ claims: { exp: now - 3600, mq_publish: ['orders'] } }),
      await idp.sign({ foreignKey: true, claims: { mq_publish: ['orders'] } }),
      await idp.sign({ claims: { aud: 'other', mq_publish: ['orders'] } }),
      await idp.sign({ omit: ['mq_publish'] }),
      await idp.sign({ claims: { mq_publish: { nested: [1] } } }),
      unsignedToken({ iss: idp.issuer, aud: idp.audience, sub: 'x', exp: now + 600, mq_publish: ['orders'] }),
    ];
    gateway = await startApp('gateway', {
      env: { FUZZ_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
      config: {
        topics: {
          orders: { exchange: exchanges.orders, routingKey: 'order.created', schema: 'order.json', maxBytes: 4096 },
          events: { exchange: exchanges.events, routingKey: 'ev', allowRoutingKey: true },
          images: { exchange: exchanges.images, routingKey: 'img', contentTypes: ['image/*'] },
        },
        auth: {
          tokens: [{ name: 'fuzz', env: 'FUZZ_TOKEN', publish: ['orders', 'events', 'images'] }],
          jwt: { issuer: idp.issuer, audience: idp.audience, publicKeyFile: 'idp.pem', algorithms: ['ES256'] },
        },
        gateway: { batchMaxMessages: 5, batchMaxBytes: 8192 },
      },
      files: { 'idp.pem': idp.publicKeyPem, 'order.json': JSON.stringify({ type: 'object', required: ['orderId', 'amount'], properties: { orderId: { type: 'string', maxLength: 32 }, amount: { type: 'integer' } } }) },
    });
  });

  afterAll(async () => {
    await stopAllApps();
    await idp.close();
    for (const sink of sinks) await sink.dispose();
    await conn.close();
  });

  it(`answers ${REQUESTS} random requests (static tokens and JWTs) without a 5xx other than 503 or an internal detail, and stores exactly what it accepted`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next += 1;
        const f = fuzzRequest();
        const answer = await send(agent, gateway.port, f).catch((err: Error) => ({ status: -1, contentType: '', body: err.message }));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const isPublish = /^\/v1\//.test(f.path);
        if (answer.status === -1 && f.body.length < 100_000) bad.push(`no answer: ${f.method} ${f.path}: ${answer.body}`);
        if (answer.status >= 500 && answer.status !== 503) bad.push(`${answer.status} ${f.method} ${f.path}: ${answer.body.slice(0, 200)}`);
        if (isPublish && answer.status >= 400 && answer.contentType !== 'application/problem+json') bad.push(`not problem+json: ${answer.status} ${f.method} ${f.path} ${JSON.stringify(f.headers)} -> ${answer.contentType} ${answer.body.slice(0, 100)}`);
        const leak = findInternalLeak(answer.body, `${f.method} ${f.path}\n${Object.values(f.headers).join('\n')}`, [TOKEN]);
        if (leak) bad.push(`${answer.status} ${f.method} ${f.path} shows ${leak}`);
        if (answer.status === 202) {
          const json = JSON.parse(answer.body) as { id?: string; results?: Array<{ id: string }> };
          accepted.push(...(json.results ? json.results.map((r) => r.id) : [json.id!]));
        } else if (answer.status === 503 && answer.body.includes('"results"')) {
          const json = JSON.parse(answer.body) as { results: Array<{ id: string; status: number }> };
          accepted.push(...json.results.filter((r) => r.status === 202).map((r) => r.id));
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();

    expect(bad.slice(0, 10), JSON.stringify(Object.fromEntries(statuses))).toEqual([]);
    expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
    expect(statuses.get(202) ?? 0).toBeGreaterThan(20); // the fuzzer does reach the happy path
    const stored: string[] = [];
    for (const sink of sinks) stored.push(...(await sink.drain()).map((m) => String(m.messageId)));
    expect(stored.sort()).toEqual([...accepted].sort());
  }, 120_000);
});
