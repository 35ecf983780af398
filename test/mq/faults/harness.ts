// What every fault test checks: each message the broker confirmed is handled at least once.
// The ledger records confirms and handler calls; the stream publishes numbered messages the way a
// careful client would (a failed publish is retried with the same id until confirmed).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect, vi } from 'vitest';
import type { IncomingMessage, MqError, Publisher } from '@mq/mq';

export class Ledger {
  readonly confirmed = new Set<string>();
  readonly handled = new Map<string, number>();
  readonly publishErrors = new Map<string, number>();

  onHandled = (message: IncomingMessage): void => {
    const id = message.messageId ?? '(none)';
    this.handled.set(id, (this.handled.get(id) ?? 0) + 1);
  };

  missing(): string[] {
    return [...this.confirmed].filter((id) => !this.handled.has(id));
  }

  duplicates(): number {
    return [...this.handled.values()].reduce((sum, n) => sum + n - 1, 0);
  }

  /** Waits until every confirmed message was handled; logs the duplicate count for the report. */
  async expectAllHandled(label: string, timeout = 30_000): Promise<void> {
    await vi.waitFor(() => expect(this.missing()).toEqual([]), { timeout, interval: 100 });
    const errors = Object.fromEntries(this.publishErrors);
    console.info(`[fault:${label}] confirmed=${this.confirmed.size} handled=${this.handled.size} duplicates=${this.duplicates()} publishErrors=${JSON.stringify(errors)}`);
  }
}

export interface StreamOptions {
  publisher: Publisher;
  exchange: string;
  ledger: Ledger;
  /** How many messages to publish in all. */
  total: number;
  /** Pause between messages, so a fault lands mid-stream rather than after it. @default 10 */
  paceMs?: number;
  prefix?: string;
}

/** Publishes `total` numbered messages in order; each is retried until the broker confirms it. */
export async function publishStream(options: StreamOptions): Promise<void> {
  const { publisher, exchange, ledger, total, paceMs = 10, prefix = 'm' } = options;
  for (let n = 0; n < total; n++) {
    const messageId = `${prefix}-${n}`;
    for (;;) {
      try {
        await publisher.publish({ exchange, routingKey: 'fault', body: String(n), messageId });
        ledger.confirmed.add(messageId);
        break;
      } catch (error) {
        const code = (error as MqError).code ?? 'OTHER';
        ledger.publishErrors.set(code, (ledger.publishErrors.get(code) ?? 0) + 1);
        await delay(100);
      }
    }
    await delay(paceMs);
  }
}

/** Resolves once at least `count` messages are confirmed. */
export async function confirmedAtLeast(ledger: Ledger, count: number, timeout = 30_000): Promise<void> {
  await vi.waitFor(() => expect(ledger.confirmed.size).toBeGreaterThanOrEqual(count), { timeout, interval: 50 });
}

/**
 * A crash of the whole Erlang VM. `RabbitNode.kill()` signals the rabbitmq-server launcher, which
 * on this install leaves the VM running, so the VM's own pid (from its pid file) is killed first.
 */
export async function crashNode(node: { dir: string; kill(): Promise<void> }): Promise<void> {
  const pid = Number((await readFile(join(node.dir, 'rabbit.pid'), 'utf8')).trim());
  process.kill(pid, 'SIGKILL');
  await node.kill();
}
