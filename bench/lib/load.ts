// The load generator: autocannon, driven programmatically, reduced to the numbers the table needs.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  /** Request body; a function builds a fresh one per request (e.g. with a send timestamp). */
  body: string | (() => string);
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Requests per second over all connections; unset = as fast as the server answers. */
  overallRate?: number;
  /** Stop after this many requests instead of after `durationS`. */
  amount?: number;
  /** Builds each request's body and extra headers together (e.g. a random delay and the due time it implies). */
  request?: () => { body: string; headers?: Record<string, string> };
}

export interface LoadResult {
  /** 2xx responses per second (errors and other statuses do not count as throughput). */
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Responses by status code, to tell a 503 flood from a fast success. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  durationS: number;
}

/** Runs autocannon against `url` with POST and a JSON body. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { body } = options;
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    connections: options.connections,
    duration: options.durationS,
    overallRate: options.overallRate,
    ...(options.amount === undefined ? {} : { amount: options.amount }),
    // A publish waits for a broker confirm; allow for a loaded machine before calling it a timeout.
    timeout: 30,
    ...(options.request
      ? { requests: [{ setupRequest: (request) => requestWith(request, options.request!()) }] }
      : typeof body === 'string'
        ? { body }
        : { requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }] }),
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  return {
    okPerSec: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    statuses,
    errors: result.errors,
    durationS: result.duration,
  };
}

function requestWith<R extends { headers?: object }>(request: R, built: { body: string; headers?: Record<string, string> }): R {
  return { ...request, body: built.body, headers: { ...request.headers, ...built.headers } };
}

/** Throws when a run had failures: a throughput made of error answers is not a result. */
export function assertHealthy(what: string, result: LoadResult, maxFailureShare = 0.01): void {
  const failures = Object.entries(result.statuses)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, result.errors);
  if (result.ok === 0 || failures > result.ok * maxFailureShare) {
    throw new Error(`${what}: ${result.ok} ok, ${failures} failed (statuses ${JSON.stringify(result.statuses)}, errors ${result.errors})`);
  }
}
