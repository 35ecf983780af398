// The message every row sends: 1 KiB of JSON, as in the issue.
export const MESSAGE_BYTES = 1024;

/**
 * A JSON object of exactly {@link MESSAGE_BYTES} bytes. `sentAtNs` (process.hrtime, which is the
 * system-wide monotonic clock on Linux) lets the receiving app compute end-to-end latency.
 */
export function jsonMessage(sentAtNs: bigint = 0n): string {
  const base = { sentAtNs: String(sentAtNs), orderId: 'ord-000000', amount: 4200, currency: 'EUR', pad: '' };
  const size = Buffer.byteLength(JSON.stringify(base));
  return JSON.stringify({ ...base, pad: 'x'.repeat(Math.max(0, MESSAGE_BYTES - size)) });
}

/** A fresh message stamped with the current time. */
export function stampedMessage(): string {
  return jsonMessage(process.hrtime.bigint());
}

/** A batch request body with `count` messages, in the gateway's batch format. */
export function batchBody(count: number): string {
  const data = JSON.parse(jsonMessage()) as unknown;
  return JSON.stringify({ messages: Array.from({ length: count }, () => ({ data })) });
}
