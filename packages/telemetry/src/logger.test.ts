import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, messageLogger } from './logger.js';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { lines, stream };
}

describe('messageLogger', () => {
  it('names the message on every line and keeps the service', () => {
    const { lines, stream } = capture();
    const base = pino({ base: { service: 'consumer' } }, stream);
    messageLogger(base, { messageId: 'm-1', destination: 'billing.orders', attempt: 2 }).info('delivered');
    expect(lines[0]).toMatchObject({ service: 'consumer', message_id: 'm-1', destination: 'billing.orders', attempt: 2, msg: 'delivered' });
  });

  it('leaves out a missing message id', () => {
    const { lines, stream } = capture();
    messageLogger(pino(stream), { messageId: undefined }).info('x');
    expect(lines[0]).not.toHaveProperty('message_id');
  });
});

describe('createLogger', () => {
  it('is a JSON logger at the given level', () => {
    const logger = createLogger('gateway', 'warn');
    expect(logger.level).toBe('warn');
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('adds trace_id and span_id inside an active span only', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const { lines, stream } = capture();
    const logger = createLogger('gateway', 'info', stream);
    const span = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
    context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ service: 'gateway', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), trace_flags: '01' });
    expect(lines[1]).not.toHaveProperty('trace_id');
    context.disable();
  });
});
