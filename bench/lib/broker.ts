// Direct broker access with bare rabbitmq-client: topology for a run, filling and watching queues,
// and the bare-publisher baseline.
import { randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from 'rabbitmq-client';
import type { Cleanup } from './cleanup.ts';

/** A fresh name for this run's broker objects, e.g. `bench.3f9a2c1d.orders`. */
export function benchName(suffix: string): string {
  return `bench.${randomUUID().slice(0, 8)}.${suffix}`;
}

/** A connection that fails fast instead of retrying forever when the broker is absent. */
export async function openConnection(url: string): Promise<Connection> {
  const conn = new Connection({ url, connectionName: 'mq-bench', retryHigh: 1000 });
  conn.on('error', () => undefined); // reconnects are rabbitmq-client's business; the bench fails on timeouts
  await conn.onConnect(15_000);
  return conn;
}

/** A durable topic exchange with one quorum queue bound to `routingKey`, like the product declares. */
export async function declareRoute(conn: Connection, exchange: string, queue: string, routingKey: string): Promise<void> {
  await conn.exchangeDeclare({ exchange, type: 'topic', durable: true });
  await conn.queueDeclare({ queue, durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await conn.queueBind({ queue, exchange, routingKey });
}

/**
 * Fresh names, declared like {@link declareRoute}, deleted again by `cleanup`: the route every
 * publishing case sends to.
 */
export async function declareBenchRoute(conn: Connection, cleanup: Cleanup): Promise<{ exchange: string; queue: string; routingKey: string }> {
  const route = { exchange: benchName('x'), queue: benchName('q'), routingKey: 'bench.msg' };
  cleanup.add(() => deleteObjects(conn, { queues: [route.queue], exchanges: [route.exchange] }));
  await declareRoute(conn, route.exchange, route.queue, route.routingKey);
  return route;
}

/** Deletes queues and exchanges, ignoring ones that do not exist. */
export async function deleteObjects(conn: Connection, { queues = [], exchanges = [] }: { queues?: string[]; exchanges?: string[] }): Promise<void> {
  for (const queue of queues) await conn.queueDelete({ queue }).catch(() => undefined);
  for (const exchange of exchanges) await conn.exchangeDelete({ exchange }).catch(() => undefined);
}

/** Ready messages in a queue (passive declare: cheap, no management plugin needed). */
export async function queueDepth(conn: Connection, queue: string): Promise<number> {
  const ok = await conn.queueDeclare({ queue, passive: true });
  return ok.messageCount;
}

export interface PublishRun {
  messages: number;
  msgsPerSec: number;
}

export interface PublishLimits {
  count?: number;
  durationMs?: number;
  inFlight: number;
}

/**
 * Calls `send` from `inFlight` lanes at once, each awaiting its last publish before the next, until
 * `count` messages or `durationMs`, whichever comes first.
 */
export async function publishInLanes(send: () => Promise<unknown>, limits: PublishLimits): Promise<PublishRun> {
  const count = limits.count ?? Number.POSITIVE_INFINITY;
  const deadline = performance.now() + (limits.durationMs ?? Number.POSITIVE_INFINITY);
  let sent = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (sent < count && performance.now() < deadline) {
      sent++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: limits.inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { messages: sent, msgsPerSec: sent / seconds };
}

/** The bare rabbitmq-client publisher: persistent, mandatory, confirmed, {@link publishInLanes}. */
export async function publishMany(
  conn: Connection,
  target: { exchange: string; routingKey: string; body: string | (() => string) },
  limits: PublishLimits,
): Promise<PublishRun> {
  const pub = conn.createPublisher({ confirm: true, maxAttempts: 1 });
  const { exchange, routingKey, body } = target;
  const send = () =>
    pub.send(
      { exchange, routingKey, durable: true, mandatory: true, contentType: 'application/json', messageId: randomUUID() },
      typeof body === 'string' ? body : body(),
    );
  try {
    return await publishInLanes(send, limits);
  } finally {
    await pub.close();
  }
}

export interface DrainRun {
  messages: number;
  msgsPerSec: number;
  seconds: number;
}

/**
 * Polls a queue's depth until it is empty and measures the drain rate from the first poll that
 * saw consumption start (so process boot is not counted). Up to `prefetch` unacked messages at the
 * end are not seen by the depth; with thousands of messages that is noise. `onBegin` runs when
 * that first poll saw it.
 */
export async function watchDrain(
  conn: Connection,
  queue: string,
  start: number,
  timeoutMs: number,
  onBegin?: () => void,
  pollMs = 50,
): Promise<DrainRun> {
  const deadline = performance.now() + timeoutMs;
  let begin: { at: number; depth: number } | undefined;
  for (;;) {
    const depth = await queueDepth(conn, queue);
    const now = performance.now();
    if (!begin && depth < start) {
      begin = { at: now, depth };
      onBegin?.();
    }
    if (depth === 0 && begin) {
      const seconds = (now - begin.at) / 1000;
      return { messages: begin.depth, seconds, msgsPerSec: seconds > 0 ? begin.depth / seconds : Number.NaN };
    }
    if (now > deadline) throw new Error(`queue ${queue} still holds ${depth} messages after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

/** Polls until a queue holds `count` ready messages (publishes confirmed are visible at once, but be safe). */
export async function waitDepth(conn: Connection, queue: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await queueDepth(conn, queue)) < count) {
    if (performance.now() > deadline) throw new Error(`queue ${queue} never reached ${count} messages`);
    await sleep(50);
  }
}

/**
 * The broker's version, read from the `version` field of AMQP Connection.Start: the one thing the
 * handshake tells before authentication, so it needs no management plugin.
 */
export async function brokerVersion(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname, port: Number(port || 5672) });
    let data = Buffer.alloc(0);
    const done = (version: string): void => {
      socket.destroy();
      resolve(version);
    };
    socket.setTimeout(3000, () => done('unknown'));
    socket.once('error', () => done('unknown'));
    socket.once('connect', () => socket.write(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1])));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      // server-properties table: shortstr key "version", type 'S', uint32 length, bytes
      const at = data.indexOf('\x07versionS', 0, 'latin1');
      if (at < 0 || data.length < at + 13) return;
      const length = data.readUInt32BE(at + 9);
      if (data.length >= at + 13 + length) done(data.subarray(at + 13, at + 13 + length).toString('utf8'));
    });
  });
}
