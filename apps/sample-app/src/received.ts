/** One delivery as the app saw it. */
export interface ReceivedDelivery {
  path: string;
  headers: Record<string, string>;
  /** The body decoded as UTF-8 (binary bodies are not the point of this app). */
  body: string;
  contentType: string | undefined;
  size: number;
  /** Status the app answered. */
  status: number;
  /** ISO time it arrived. */
  time: string;
  /** With signing: the verified CloudEvent's attributes (from `@mq/receiver`). */
  event?: { id: string; type: string; source: string; time: string | undefined; attempt: number; traceparent: string | undefined };
  /** With signing: why the delivery was refused (`SIGNATURE_INVALID`, ...); it got `status`. */
  refused?: string;
}

export interface ReceivedLog {
  record(delivery: ReceivedDelivery): void;
  list(path?: string): ReceivedDelivery[];
  clear(): void;
  /** Every delivery since start or the last clear, including those beyond the kept window. */
  readonly total: number;
}

/**
 * Keeps the most recent `limit` deliveries, so a long benchmark does not grow the app's memory
 * without bound; `total` keeps counting.
 */
export function createReceivedLog(limit: number): ReceivedLog {
  let items: ReceivedDelivery[] = [];
  let total = 0;
  return {
    record(delivery) {
      total += 1;
      if (limit <= 0) return;
      items.push(delivery);
      if (items.length > limit) items = items.slice(items.length - limit);
    },
    list: (path) => (path === undefined ? [...items] : items.filter((d) => d.path === path)),
    clear() {
      items = [];
      total = 0;
    },
    get total() {
      return total;
    },
  };
}
