import type { Dispatcher } from 'undici';

/** What the app answered: the status, `Retry-After` and the start of the body (error answers only). */
export interface HttpAnswer {
  status: number;
  retryAfter: string | undefined;
  /** Up to `snippetBytes` of an error answer's body; empty for 2xx. */
  body: Buffer;
}

export interface ExchangeOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The whole exchange, from dispatch (queueing in the pool included) to the end of the answer. */
  timeoutMs: number;
  /** How much of an error answer's body to keep; the rest is not read. */
  snippetBytes: number;
}

/**
 * A 2xx body is read and discarded up to this size, so the keep-alive connection can be reused;
 * a bigger one closes the connection instead (undici's `body.dump()` limit).
 */
const DISCARD_LIMIT = 128 * 1024;

/**
 * One `POST` through undici's `dispatch()` with a handler of our own, rather than `request()`:
 * `request()` builds a `RequestHandler` (an `AsyncResource`), a body `Readable` stream and, with a
 * signal, an `AbortController` + listener per delivery. At thousands of deliveries a second those
 * outlived young-generation GCs and were the largest share of what the consumer promoted to the
 * old generation (bench: consumer RSS draining a backlog).
 *
 * Settles once: with the answer as soon as its status is known and its body read (or cut short:
 * a body that fails after the status still leaves the status as the answer), or with the
 * transport error / timeout when no status came.
 */
export function exchange(dispatcher: Dispatcher, options: ExchangeOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const handler = new ExchangeHandler(resolve, reject, options);
    dispatcher.dispatch({ origin: options.origin, path: options.path, method: 'POST', headers: options.headers, body: options.body }, handler);
  });
}

function timeoutError(): Error {
  return new DOMException('delivery timed out', 'TimeoutError');
}

/** The timer's callback takes the handler as its argument: no closure per delivery. */
function onTimeout(handler: ExchangeHandler): void {
  handler.timedOut();
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  readonly #resolve: (answer: HttpAnswer) => void;
  readonly #reject: (error: Error) => void;
  readonly #snippetBytes: number;
  readonly #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #status = 0;
  #retryAfter: string | undefined;
  /** Error answers only: the body chunks kept for the snippet. */
  #chunks: Buffer[] | undefined;
  #size = 0;

  constructor(resolve: (answer: HttpAnswer) => void, reject: (error: Error) => void, options: ExchangeOptions) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#snippetBytes = options.snippetBytes;
    this.#timer = setTimeout(onTimeout, options.timeoutMs, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Timed out while waiting in the pool's queue: the caller has its answer, never send it.
    if (this.#settled) controller.abort(timeoutError());
    else this.#controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // informational; the final answer follows
    this.#status = statusCode;
    const retryAfter = headers['retry-after'];
    this.#retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
    if (statusCode >= 300) this.#chunks = [];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#size += chunk.length;
    if (this.#chunks === undefined) {
      if (this.#size <= DISCARD_LIMIT) return;
    } else {
      this.#chunks.push(chunk);
      if (this.#size < this.#snippetBytes) return;
    }
    // Enough read: answer now and drop the rest with the connection.
    this.#answer();
    controller.abort(new Error('rest of the answer not needed'));
  }

  onResponseEnd(): void {
    if (!this.#settled) this.#answer();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#settled) return;
    if (this.#status !== 0) this.#answer();
    else this.#fail(error);
  }

  timedOut(): void {
    if (this.#settled) return;
    const error = timeoutError();
    // A late body does not undo an answer the app already gave: settle with its status.
    if (this.#status !== 0) this.#answer();
    else this.#fail(error);
    this.#controller?.abort(error);
  }

  #answer(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    const body = this.#chunks === undefined ? EMPTY : Buffer.concat(this.#chunks);
    this.#resolve({ status: this.#status, retryAfter: this.#retryAfter, body });
  }

  #fail(error: Error): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#reject(error);
  }
}

const EMPTY = Buffer.alloc(0);
