import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPublisher, PublishError, type Publisher } from '@mq/client';
import { startRabbitNode, type RabbitNode } from '../../scripts/lib/rabbit-node.ts';
import { startApp, stopAllApps, type AppProcess } from '../helpers/processes.ts';
import { startRecordingApp, type RecordingApp } from './recording-app.ts';
import { stackConfig, stackNames } from './stack.ts';

const TOTAL = 5000;
const CONCURRENCY = 24;
/** Every this many, a publish to a topic the gateway does not know: a rejection that must say why. */
const UNKNOWN_EVERY = 1000;

interface Tally {
  resolved: Set<string>;
  rejected: Map<string, PublishError>;
  attempted: Set<string>;
}

/**
 * Publishes TOTAL messages from CONCURRENCY loops; each publish() settles once, as a caller sees
 * it. A few go to an unknown topic, so the run always has rejections to check.
 */
async function publishAll(publisher: Publisher, topic: string, tally: Tally): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (next < TOTAL) {
      const n = next++;
      const id = `chaos-${n}`;
      tally.attempted.add(id);
      try {
        await publisher.publish(n % UNKNOWN_EVERY === UNKNOWN_EVERY - 1 ? `${topic}.unknown` : topic, { n }, { id });
        tally.resolved.add(id);
      } catch (error) {
        tally.rejected.set(id, error as PublishError);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
}

/** The stack's config with its one subscription signing deliveries with the secret in `envName`. */
function signedWith(config: object, envName: string): object {
  const { subscriptions, ...rest } = config as { subscriptions: Record<string, { deliver: object }> };
  const signed = Object.fromEntries(
    Object.entries(subscriptions).map(([name, sub]) => [name, { ...sub, deliver: { ...sub.deliver, signing: { env: envName } } }]),
  );
  return { ...rest, subscriptions: signed };
}

// The whole chain under faults: client -> built gateway (restarted once) -> private broker node
// (restarted once) -> built consumer, signing -> an app that verifies with @mq/receiver and dedups by id. Every publish() that resolved
// is processed exactly once; every one that rejected says why (five go to an unknown topic on
// purpose, so there always are rejections, and those must never be processed).
describe('chaos: the publisher client through a gateway restart and a broker restart', () => {
  let node: RabbitNode;
  let app: RecordingApp;
  let gateway: AppProcess;
  const names = stackNames();
  let config: object;

  beforeAll(async () => {
    [node, app] = await Promise.all([startRabbitNode({ prefix: 'chaosclient' }), startRecordingApp()]);
    config = signedWith(stackConfig(names, app.url), 'CHAOS_SIGNING_SECRET');
    const env = { AMQP_URL: node.url, LOG_LEVEL: 'warn' };
    await startApp('consumer', { config, env: { ...env, CHAOS_SIGNING_SECRET: app.secret } });
    gateway = await startApp('gateway', { config, env });
  });

  afterAll(async () => {
    await stopAllApps();
    await app?.close();
    await node?.dispose();
  });

  it('processes every resolved publish exactly once, and every rejection carries a reason', async () => {
    // What the client met on the wire, to show that both faults landed mid-stream.
    const wire = { refused: 0, statuses: {} as Record<number, number> };
    const fetch = async (url: string, init: RequestInit) => {
      try {
        const response = await globalThis.fetch(url, init);
        wire.statuses[response.status] = (wire.statuses[response.status] ?? 0) + 1;
        return response;
      } catch (error) {
        wire.refused++;
        throw error;
      }
    };
    const publisher = createPublisher({ url: gateway.url, fetch, retry: { deadlineMs: 60_000, maxDelayMs: 1000 } });
    const tally: Tally = { resolved: new Set(), rejected: new Map(), attempted: new Set() };
    const started = Date.now();
    const stream = publishAll(publisher, names.topic, tally);

    await vi.waitFor(() => expect(tally.resolved.size).toBeGreaterThanOrEqual(1500), { timeout: 30_000, interval: 20 });
    // SIGKILL: requests in flight lose their answer, so the client resends them with the same id.
    await gateway.stop('SIGKILL');
    gateway = await startApp('gateway', { config, env: { AMQP_URL: node.url, LOG_LEVEL: 'warn' }, port: gateway.port });
    const afterGateway = tally.resolved.size;
    const refusedByGatewayRestart = wire.refused;
    const unavailableBeforeBroker = wire.statuses[503] ?? 0;
    await vi.waitFor(() => expect(tally.resolved.size).toBeGreaterThanOrEqual(Math.max(3000, afterGateway + 300)), { timeout: 60_000, interval: 20 });
    const atBrokerRestart = tally.resolved.size;
    await node.restart();
    await stream;
    expect(refusedByGatewayRestart).toBeGreaterThan(0); // requests met the gateway restart
    expect(wire.statuses[503] ?? 0).toBeGreaterThan(unavailableBeforeBroker); // and the broker's
    expect(atBrokerRestart).toBeLessThan(TOTAL);

    await vi.waitFor(() => expect([...tally.resolved].filter((id) => !app.processed.has(id))).toEqual([]), { timeout: 60_000, interval: 200 });
    expect(tally.resolved.size + tally.rejected.size).toBe(TOTAL);
    expect([...app.processed.values()].every((times) => times === 1)).toBe(true);
    expect(app.refused()).toBe(0); // every delivery carried a valid signature
    // Nothing is processed that no one published.
    expect([...app.processed.keys()].filter((id) => !tally.attempted.has(id))).toEqual([]);
    expect(tally.rejected.size).toBeGreaterThanOrEqual(TOTAL / UNKNOWN_EVERY);
    for (const [id, error] of tally.rejected) {
      expect(error).toBeInstanceOf(PublishError);
      expect(error.id).toBe(id);
      expect(error.code).toMatch(/^[A-Z_]+$/);
      expect(error.message.length).toBeGreaterThan(0);
      // A definite no (404) was never published, so never processed.
      if (error.code === 'UNKNOWN_TOPIC') expect(app.processed.has(id)).toBe(false);
    }
    expect([...tally.rejected.values()].filter((e) => e.code === 'UNKNOWN_TOPIC')).toHaveLength(TOTAL / UNKNOWN_EVERY);
    const reasons: Record<string, number> = {};
    for (const error of tally.rejected.values()) reasons[error.code] = (reasons[error.code] ?? 0) + 1;
    console.info(
      `[chaos-client] published=${TOTAL} resolved=${tally.resolved.size} rejected=${tally.rejected.size} ${JSON.stringify(reasons)} ` +
        `processed=${app.processed.size} deliveries=${app.deliveries()} repeatsDropped=${app.repeats()} refused=${app.refused()} ` +
        `wire: refused=${wire.refused} statuses=${JSON.stringify(wire.statuses)} seconds=${((Date.now() - started) / 1000).toFixed(1)}`,
    );
  }, 150_000); // about 35 s alone; the full suite runs it beside other files
});
