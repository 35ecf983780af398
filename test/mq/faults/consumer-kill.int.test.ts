// A consumer process SIGKILLed mid-batch: what it had not acked goes back to the queue, and the
// next consumer handles it. Nothing is lost; a message handled but not yet acked is a duplicate.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createClient, deleteTopology, rawConnection, simpleTopology } from '../helpers/broker.ts';
import { Ledger, publishStream } from './harness.ts';

const child = fileURLToPath(new URL('../helpers/consumer-child.ts', import.meta.url));
const client = createClient();
const topology = simpleTopology();
afterAll(async () => {
  await client.close();
  const raw = rawConnection();
  await deleteTopology(raw, topology);
  await raw.close();
});

describe('consumer process killed with SIGKILL mid-batch', () => {
  it('leaves unacked messages to the next consumer; every confirmed message is handled', async () => {
    await client.declare(topology);
    const ledger = new Ledger();
    const publisher = client.createPublisher();
    await publishStream({ publisher, exchange: topology.exchange, ledger, total: 120, paceMs: 0 });

    const proc = spawn(process.execPath, [child], { env: { ...process.env, TOPOLOGY: JSON.stringify(topology) }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    let handledByChild = 0;
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const [word, id] = line.split(' ');
      if (word === 'handled' && id) {
        handledByChild++;
        ledger.onHandled({ messageId: id } as Parameters<Ledger['onHandled']>[0]);
      }
    });
    await vi.waitFor(() => expect(handledByChild).toBeGreaterThanOrEqual(30), { timeout: 20_000 });
    proc.kill('SIGKILL');
    await exited;
    expect(ledger.missing().length).toBeGreaterThan(0); // killed mid-batch, not after it

    client.createConsumer({ queue: topology.queue }, (m) => Promise.resolve(ledger.onHandled(m)));
    await ledger.expectAllHandled('consumer-sigkill');
    expect((await client.queueStats(topology.queue)).messageCount).toBe(0);
  });
});
