import { describe, expect, it } from 'vitest';
import { cloudEventHeaders, encodeHeaderValue } from './cloudevents.js';
import { testMessage } from './test-message.js';

describe('CloudEvents headers', () => {
  it('fills the required attributes from a message without any project header', () => {
    const now = new Date('2026-02-02T00:00:00Z');
    const headers = cloudEventHeaders(
      testMessage({ messageId: undefined, timestamp: undefined, contentType: undefined, routingKey: '', exchange: '' }),
      '/queues/q',
      {},
      now,
    );
    expect(headers['ce-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-type': 'amqp.message',
      'ce-source': '/queues/q',
      'ce-time': '2026-02-02T00:00:00.000Z',
      'content-type': 'application/octet-stream',
      'x-delivery-attempt': '1',
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('prefers the delivery span context, then the message trace context', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const fromMessage = cloudEventHeaders(testMessage({ headers: { traceparent, tracestate: 'a=1', baggage: Buffer.from('k=v') } }), 's');
    expect(fromMessage).toMatchObject({ traceparent, tracestate: 'a=1', baggage: 'k=v' });
    const injected = { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' };
    expect(cloudEventHeaders(testMessage({ headers: { traceparent } }), 's', injected).traceparent).toBe(injected.traceparent);
    expect(cloudEventHeaders(testMessage({ headers: { traceparent: 'garbage' } }), 's').traceparent).not.toBe('garbage');
  });

  it('gives every message without a trace context a new, distinct trace', () => {
    const traceparents = Array.from({ length: 600 }, () => cloudEventHeaders(testMessage(), 's').traceparent);
    for (const traceparent of traceparents) expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(new Set(traceparents.map((t) => t!.slice(3, 35))).size).toBe(600);
    expect(new Set(traceparents.map((t) => t!.slice(36, 52))).size).toBe(600);
  });

  it('forwards application headers that can be HTTP headers, never over its own', () => {
    const headers = cloudEventHeaders(
      testMessage({
        headers: {
          'X-Tenant': 'acme', priority: 3, urgent: true, 'ce-id': 'spoof', 'content-type': 'text/evil', host: 'x',
          'bad name': 'v', nested: { a: 1 }, raw: Buffer.from('b'), 'x-newline': 'a\nb', 'x-delivery-attempt': '9',
        },
      }),
      's',
    );
    expect(headers).toMatchObject({ 'x-tenant': 'acme', priority: '3', urgent: 'true', 'ce-id': 'm-1', 'content-type': 'application/json', 'x-delivery-attempt': '1' });
    for (const name of ['host', 'bad name', 'nested', 'raw', 'x-newline']) expect(headers).not.toHaveProperty([name]);
  });

  it('percent-encodes what HTTP headers cannot carry', () => {
    expect(encodeHeaderValue('order.created')).toBe('order.created');
    expect(encodeHeaderValue('a b"%é')).toBe('a%20b%22%25%C3%A9');
  });

  it('says when a delayed message was due, and nothing on an undelayed one', () => {
    const notBefore = new Date('2026-12-07T09:00:00Z');
    const timestamp = new Date('2026-12-07T08:45:00Z');
    expect(cloudEventHeaders(testMessage({ notBefore, timestamp }), 's')).toMatchObject({
      'x-delivery-not-before': '2026-12-07T09:00:00.000Z',
      'ce-time': '2026-12-07T08:45:00.000Z', // still the publish time
    });
    expect(cloudEventHeaders(testMessage(), 's')).not.toHaveProperty('x-delivery-not-before');
    expect(cloudEventHeaders(testMessage({ headers: { 'x-delivery-not-before': 'forged' } }), 's')).not.toHaveProperty('x-delivery-not-before');
  });
});
