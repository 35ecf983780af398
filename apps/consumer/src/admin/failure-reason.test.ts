import { describe, expect, it } from 'vitest';
import { failureReason } from './failure-reason.js';

describe('failureReason', () => {
  it.each([
    ['UnrecoverableError: HTTP 422: {"error":"bad total"}', 'HTTP 422'],
    ['RetryLaterError: HTTP 503', 'HTTP 503'],
    ['HTTP 400', 'HTTP 400'],
    ['DeliveryError: timeout: no answer within 5000 ms', 'DeliveryError: timeout'],
    ['dead-lettered by the broker: delivery_limit', 'broker: delivery_limit'],
    ['UnrecoverableError: no order id', 'UnrecoverableError'],
    ['TypeError: x is not a function', 'TypeError'],
    ['something odd', 'other'],
    ['', 'unknown'],
  ])('%s -> %s', (lastError, reason) => {
    expect(failureReason(lastError)).toBe(reason);
  });
});
