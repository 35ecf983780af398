// A TCP proxy on 127.0.0.1 for fault tests: put it between a client and a broker, then cut every
// connection, refuse new ones, or blackhole traffic (sockets stay open, nothing moves: what a
// network partition looks like to heartbeats), and restore. We never fault the shared broker;
// we fault the path to it.
import { createServer, connect, type Server, type Socket } from 'node:net';

/** What the proxy does with traffic right now. */
export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

/** Where to forward to and where to listen. */
export interface TcpProxyOptions {
  /** Upstream port on `targetHost`. */
  targetPort: number;
  /** @default '127.0.0.1' */
  targetHost?: string;
  /** Port to listen on (127.0.0.1). @default 0 (a free port) */
  port?: number;
}

/** A running proxy. `close()` it in `afterEach`/`afterAll` (or `await using`). */
export interface TcpProxy {
  /** The port clients connect to. */
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections currently open through the proxy. */
  readonly connectionCount: number;
  /** Rewrites a URL (amqp://, http://, redis://) so it points at the proxy instead. */
  rewrite(url: string): string;
  /** Destroys every open connection (both sides); the mode is unchanged. */
  cut(): void;
  /** Stops listening: new connections get ECONNREFUSED; open ones keep working. */
  refuse(): Promise<void>;
  /** Keeps sockets (old and new) open but moves no bytes until restore(). */
  blackhole(): void;
  /** Back to forwarding: listens again and lets buffered bytes flow. */
  restore(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
}

/** Starts a proxy forwarding 127.0.0.1:<port> to the target. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'forward';
  let server: Server | undefined;
  let port = options.port ?? 0;

  const destroyPair = (pair: Pair): void => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };

  // Manual forwarding instead of pipe(): pipe() resumes a paused source on 'drain', which would
  // leak bytes through a blackhole.
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (mode !== 'blackhole') from.resume();
    });
    from.on('end', () => to.end());
  };

  const connectUpstream = (pair: Pair): void => {
    const upstream = connect({ host: targetHost, port: options.targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => destroyPair(pair));
    upstream.on('close', () => destroyPair(pair));
    forward(pair.client, upstream);
    forward(upstream, pair.client);
    if (mode === 'blackhole') upstream.pause();
  };

  const onConnection = (client: Socket): void => {
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.on('error', () => destroyPair(pair));
    client.on('close', () => destroyPair(pair));
    if (mode === 'blackhole') client.pause();
    else connectUpstream(pair);
  };

  const listen = async (): Promise<void> => {
    const next = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    const address = next.address();
    if (typeof address === 'object' && address) port = address.port;
    server = next;
  };

  // close() stops accepting at once but calls back only when every connection has ended, so
  // refuse() (which keeps open connections) must not wait for it.
  const stopListening = async (waitForConnections: boolean): Promise<void> => {
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    if (waitForConnections) await closed;
  };

  await listen();
  const proxy: TcpProxy = {
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    get connectionCount() {
      return pairs.size;
    },
    rewrite: (url) => {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: () => {
      for (const pair of [...pairs]) destroyPair(pair);
    },
    refuse: async () => {
      mode = 'refuse';
      await stopListening(false);
    },
    blackhole: () => {
      mode = 'blackhole';
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream?.pause();
      }
    },
    restore: async () => {
      const wasBlackhole = mode === 'blackhole';
      mode = 'forward';
      if (!server) await listen();
      if (!wasBlackhole) return;
      for (const pair of pairs) {
        if (!pair.upstream) connectUpstream(pair);
        pair.client.resume();
        pair.upstream?.resume();
      }
    },
    close: async () => {
      proxy.cut();
      await stopListening(true);
    },
    [Symbol.asyncDispose]: () => proxy.close(),
  };
  return proxy;
}
