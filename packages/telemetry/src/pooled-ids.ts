import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

/** Random bytes drawn at once: 170 trace + span id pairs per draw. */
const POOL_BYTES = 4096;
const ZEROS = '0'.repeat(32);

/**
 * Trace and span ids cut from one hex string of pooled crypto-random bytes. The SDK's default
 * draws `Math.random()` per 4 bytes and hex-encodes each id on its own; every request pays for
 * its ids, head-sampled out or not (a non-recording span still needs them for the `traceparent`
 * it hands on). This saves 0.3-0.4 µs per span (micro-benchmark of a sampled-out SERVER span:
 * 2.4 -> 2.0 µs) and draws from crypto randomness rather than `Math.random()`. All-zero ids are
 * invalid in W3C trace context and are skipped.
 */
export function pooledIdGenerator(fill: (bytes: Buffer) => void = randomFillSync): IdGenerator {
  const bytes = Buffer.allocUnsafe(POOL_BYTES);
  let hex = '';
  let at = 0;
  const take = (length: number): string => {
    for (;;) {
      if (at + length > hex.length) {
        fill(bytes);
        hex = bytes.toString('hex');
        at = 0;
      }
      const id = hex.slice(at, at + length);
      at += length;
      if (!ZEROS.startsWith(id)) return id;
    }
  };
  return { generateTraceId: () => take(32), generateSpanId: () => take(16) };
}
