import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetryLaterError, UnrecoverableError } from '@mq/mq';
import { afterAll, describe, expect, it } from 'vitest';
import { createModuleDelivery, loadModuleDelivery, type DeliveredMessage } from './module.js';
import { testMessage } from './test-message.js';

const dir = await mkdtemp(join(tmpdir(), 'consumer-module-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('module delivery', () => {
  it('loads a default-exported handler and gives it the message and subscription', async () => {
    const path = join(dir, 'ok.mjs');
    await writeFile(path, 'export const seen = []; export default async function handle(m) { seen.push(m); }');
    const deliver = await loadModuleDelivery({ path, subscription: 'billing', timeoutMs: 1000 });
    await deliver(testMessage());
    const { seen } = (await import(path)) as { seen: DeliveredMessage[] };
    expect(seen[0]).toMatchObject({ messageId: 'm-1', subscription: 'billing', attempt: 1 });
    expect(seen[0]!.signal.aborted).toBe(false);
  });

  it('rejects a module without a handler, or one that does not load, with one line', async () => {
    const path = join(dir, 'none.mjs');
    await writeFile(path, 'export const x = 1;');
    await expect(loadModuleDelivery({ path, subscription: 's', timeoutMs: 1 })).rejects.toThrow(/must export a handler function/);
    const broken = join(dir, 'broken.mjs');
    await writeFile(broken, 'export default (');
    await expect(loadModuleDelivery({ path: broken, subscription: 's', timeoutMs: 1 })).rejects.toThrow(/cannot load handler module/);
  });

  it('times out a slow handler as a retryable failure and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const deliver = createModuleDelivery(
      (m) => {
        signal = m.signal;
        return new Promise(() => {});
      },
      { subscription: 's', timeoutMs: 20 },
    );
    await expect(deliver(testMessage())).rejects.toMatchObject({ errorType: 'timeout' });
    expect(signal?.aborted).toBe(true);
  });

  it('keeps park and retry-later meaning, also for look-alike error classes', async () => {
    // A handler may reject with anything, not only an Error: that is the point of this test.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const throwing = (error: unknown) => createModuleDelivery(() => Promise.reject(error), { subscription: 's', timeoutMs: 1000 });
    await expect(throwing(new UnrecoverableError('bad'))(testMessage())).rejects.toBeInstanceOf(UnrecoverableError);
    const lookAlike = Object.assign(new Error('later'), { name: 'RetryLaterError', delayMs: 500 });
    const later = await throwing(lookAlike)(testMessage()).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(RetryLaterError);
    expect((later as RetryLaterError).delayMs).toBe(500);
    const park = Object.assign(new Error('poison'), { name: 'UnrecoverableError' });
    await expect(throwing(park)(testMessage())).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(throwing('a string')(testMessage())).rejects.toThrow('a string');
  });
});
