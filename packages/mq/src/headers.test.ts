import type { AsyncMessage } from 'rabbitmq-client';
import { describe, expect, it } from 'vitest';
import { applicationHeaders, attemptOf, bodyOf, contentEncodingOf, MQ_HEADERS, RAW_ENCODING, republishHeaders } from './headers.js';

const message = (fields: Partial<AsyncMessage>) => ({ body: Buffer.from('x'), ...fields }) as AsyncMessage;

describe('headers', () => {
  it('hides our bookkeeping and the broker dead-letter headers from handlers', () => {
    const headers = { tenant: 't', traceparent: 'tp', [MQ_HEADERS.attempt]: 2, 'x-death': [], 'x-first-death-queue': 'q', 'x-delivery-count': 1 };
    expect(applicationHeaders(headers)).toEqual({ tenant: 't', traceparent: 'tp' });
    expect(republishHeaders(headers)).toEqual({ tenant: 't', traceparent: 'tp', [MQ_HEADERS.attempt]: 2 });
  });

  it('reads the attempt, defaulting to 1 for foreign messages', () => {
    expect(attemptOf(message({}))).toBe(1);
    expect(attemptOf(message({ headers: { [MQ_HEADERS.attempt]: 3 } }))).toBe(3);
    expect(attemptOf(message({ headers: { [MQ_HEADERS.attempt]: 'junk' } }))).toBe(1);
  });

  it('keeps raw bytes and hides the raw-body marker', () => {
    expect(bodyOf(message({ body: Buffer.from('{"a": 1.0}') })).toString()).toBe('{"a": 1.0}');
    expect(contentEncodingOf(message({ contentEncoding: RAW_ENCODING }))).toBeUndefined();
    expect(contentEncodingOf(message({ contentEncoding: 'gzip' }))).toBe('gzip');
  });
});
