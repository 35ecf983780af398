import { Socket } from 'node:net';
import { vi } from 'vitest';

/** Socket writes in this process (both of the Writable's entry points into a socket) while `running` runs. */
export async function countSocketWrites(running: () => Promise<unknown>): Promise<number> {
  const writes = [vi.spyOn(Socket.prototype, '_write'), vi.spyOn(Socket.prototype, '_writev')];
  try {
    await running();
    return writes.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
  } finally {
    for (const spy of writes) spy.mockRestore();
  }
}
