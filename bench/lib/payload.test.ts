import { describe, expect, it } from 'vitest';
import { batchBody, jsonMessage, MESSAGE_BYTES, stampedMessage } from './payload.ts';

describe('payload', () => {
  it('is exactly 1 KiB of JSON, stamped or not', () => {
    expect(Buffer.byteLength(jsonMessage())).toBe(MESSAGE_BYTES);
    const stamped = stampedMessage();
    expect(Buffer.byteLength(stamped)).toBe(MESSAGE_BYTES);
    expect(BigInt((JSON.parse(stamped) as { sentAtNs: string }).sentAtNs)).toBeGreaterThan(0n);
  });

  it('puts the stamp first, where the receivers look for it', () => {
    expect(stampedMessage().startsWith('{"sentAtNs":"')).toBe(true);
  });

  it('builds a batch in the gateway format', () => {
    const batch = JSON.parse(batchBody(3)) as { messages: Array<{ data: unknown }> };
    expect(batch.messages).toHaveLength(3);
    expect(JSON.stringify(batch.messages[0]!.data)).toHaveLength(MESSAGE_BYTES);
  });
});
