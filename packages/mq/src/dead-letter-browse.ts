import type { AsyncMessage, Channel } from 'rabbitmq-client';

/**
 * A browse waits this long for the next message before it decides the queue has no more to give
 * (another client holds the rest unacked, or removed them since the count was read).
 */
const BROWSE_IDLE_MS = 2000;

/**
 * Shows up to `expected` messages of `queue` to `visit` with one consumer and no acks: the broker
 * pushes them without a round trip per message (a basic.get loop over tens of thousands of
 * messages takes seconds), and closing the channel afterwards returns each one to its place.
 * Resolves with the number visited; `visit` returning `false` stops early.
 */
export function browseChannel(
  ch: Channel,
  queue: string,
  expected: number,
  visit: (message: AsyncMessage) => boolean | void,
): Promise<number> {
  if (expected === 0) return Promise.resolve(0);
  return new Promise<number>((resolve, reject) => {
    let seen = 0;
    let finished = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(idle);
      if (error) reject(error instanceof Error ? error : new Error('browsing failed', { cause: error }));
      else resolve(seen);
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(), BROWSE_IDLE_MS);
    };
    const onMessage = (message: AsyncMessage) => {
      if (finished) return; // pushed before we stopped; the channel's close returns it
      seen++;
      let more: boolean | void;
      try {
        more = visit(message);
      } catch (error) {
        finish(error);
        return;
      }
      if (more === false || seen >= expected) finish();
      else armIdle();
    };
    ch.basicConsume({ queue, noAck: false }, onMessage).then(armIdle, finish);
  });
}
