import type { Socket } from 'node:net';
import type { Connection } from 'rabbitmq-client';
import { socketOf } from './connection.js';

/** Sockets corked in this turn of the event loop, each uncorked once in the check phase. */
const corked = new Set<Socket>();

/**
 * rabbitmq-client writes every frame set to the socket at once, one syscall each: a publish, an
 * ack. The 100 publishes of a gateway batch cost 100 `writev` calls (a quarter of the gateway's
 * CPU), and a consumer's acks as many `write` calls as deliveries (a sixth of the consumer's CPU
 * in the latency row). Corking the connection's socket until the event loop's check phase lets
 * the writes of this turn of the loop leave together: a batch's publishes, the single publishes of
 * all the HTTP requests read in the same poll phase, the acks of the deliveries that ended in it.
 * A write waits at most for the I/O callbacks already due; frames keep their order. Without a
 * socket where {@link socketOf} looks, writes go out as before.
 */
export function coalesceWrites(conn: Connection): void {
  const socket = socketOf(conn);
  if (!socket || corked.has(socket) || typeof socket.cork !== 'function') return;
  corked.add(socket);
  socket.cork();
  setImmediate(() => {
    corked.delete(socket);
    socket.uncork();
  });
}
