import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/** An echo server that also counts the bytes it received. */
async function startEcho(): Promise<{ server: Server; port: number; received: () => number }> {
  let bytes = 0;
  const server = createServer((socket) => {
    socket.on('data', (chunk) => {
      bytes += chunk.length;
      socket.write(chunk);
    });
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, port, received: () => bytes };
}

async function dial(port: number): Promise<{ socket: Socket; text: () => string }> {
  const socket = connect({ port, host: '127.0.0.1' });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return { socket, text: () => text };
}

describe('tcp proxy', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<{ proxy: TcpProxy; echo: Awaited<ReturnType<typeof startEcho>> }> {
    const echo = await startEcho();
    cleanups.push(() => new Promise<void>((resolve) => echo.server.close(() => resolve())));
    const proxy = await startTcpProxy({ targetPort: echo.port });
    cleanups.push(() => proxy.close());
    return { proxy, echo };
  }

  it('forwards bytes both ways and rewrites URLs', async () => {
    const { proxy } = await setup();
    const client = await dial(proxy.port);
    cleanups.push(() => void client.socket.destroy());
    client.socket.write('hello');
    await expect.poll(client.text).toBe('hello');
    expect(proxy.rewrite('amqp://guest:guest@127.0.0.1:5672/vh')).toBe(`amqp://guest:guest@127.0.0.1:${proxy.port}/vh`);
  });

  it('cut closes every open connection, new ones still work', async () => {
    const { proxy } = await setup();
    const client = await dial(proxy.port);
    await expect.poll(() => proxy.connectionCount).toBe(1);
    const closed = once(client.socket, 'close');
    proxy.cut();
    await closed;
    expect(proxy.connectionCount).toBe(0);
    const again = await dial(proxy.port);
    cleanups.push(() => void again.socket.destroy());
    again.socket.write('x');
    await expect.poll(again.text).toBe('x');
  });

  it('refuse makes new connections fail with ECONNREFUSED until restore; open ones keep working', async () => {
    const { proxy } = await setup();
    const open = await dial(proxy.port);
    cleanups.push(() => void open.socket.destroy());
    await proxy.refuse();
    open.socket.write('still here');
    await expect.poll(open.text).toBe('still here');
    const socket = connect({ port: proxy.port, host: '127.0.0.1' });
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    await proxy.restore();
    const client = await dial(proxy.port);
    cleanups.push(() => void client.socket.destroy());
    client.socket.write('back');
    await expect.poll(client.text).toBe('back');
  });

  it('blackhole keeps sockets open but moves nothing until restore', async () => {
    const { proxy, echo } = await setup();
    const old = await dial(proxy.port);
    const oldClosed = { value: false };
    old.socket.on('close', () => (oldClosed.value = true));
    cleanups.push(() => void old.socket.destroy());
    await expect.poll(() => proxy.connectionCount).toBe(1);
    proxy.blackhole();
    old.socket.write('held');
    const fresh = await dial(proxy.port);
    cleanups.push(() => void fresh.socket.destroy());
    fresh.socket.write('new');
    // A round trip through the event loop of this process, where the proxy runs: nothing moved.
    await new Promise((resolve) => setImmediate(resolve));
    expect(echo.received()).toBe(0);
    expect(oldClosed.value).toBe(false);
    await proxy.restore();
    await expect.poll(old.text).toBe('held');
    await expect.poll(fresh.text).toBe('new');
  });
});
