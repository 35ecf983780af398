import { describe, expect, it } from 'vitest';
import { classifyStatus, classifyTransportError, parseRetryAfter } from './classify.js';

describe('classifyStatus', () => {
  it.each([200, 201, 202, 204, 299])('%i is done', (status) => {
    expect(classifyStatus(status, undefined)).toEqual({ outcome: 'done' });
  });

  it.each([408, 429, 500, 502, 503, 504, 599])('%i is retried', (status) => {
    expect(classifyStatus(status, undefined)).toEqual({ outcome: 'retry', retryAfterMs: undefined });
  });

  it.each([400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 301, 302, 101])('%i is parked at once', (status) => {
    expect(classifyStatus(status, '5')).toEqual({ outcome: 'park' });
  });

  it('carries Retry-After on a retry', () => {
    expect(classifyStatus(429, '3')).toEqual({ outcome: 'retry', retryAfterMs: 3000 });
    expect(classifyStatus(503, '0')).toEqual({ outcome: 'retry', retryAfterMs: 0 });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });
  it('gives 0 for a past date and undefined for nonsense', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('classifyTransportError', () => {
  it('names timeouts, refused and reset connections', () => {
    expect(classifyTransportError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe('timeout');
    expect(classifyTransportError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('timeout');
    expect(classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(classifyTransportError(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe('refused');
    expect(classifyTransportError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))).toBe('reset');
    expect(classifyTransportError(new Error('weird'))).toBe('network');
  });
});
