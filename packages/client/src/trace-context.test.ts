import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from './index.js';
import { accepted, fakeGateway } from './test-fakes.js';

const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };

function inSpan<T>(fn: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpanContext(context.active(), spanContext), fn);
}

describe('traceparent from the active OpenTelemetry context', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterEach(() => propagation.disable());

  it('is sent when a span is active, even without a registered propagator', async () => {
    const gateway = fakeGateway([accepted('x')]);
    const publisher = createPublisher({ url: 'http://gw.test', fetch: gateway.fetch });
    await inSpan(() => publisher.publish('orders', 1));
    await publisher.publish('orders', 2); // no active span: no traceparent
    expect(gateway.seen[0]!.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(gateway.seen[1]!.headers.traceparent).toBeUndefined();
  });

  it("follows the app's propagator (tracestate too) for single and batch publishes", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const gateway = fakeGateway([accepted('x')]);
    const publisher = createPublisher({ url: 'http://gw.test', fetch: gateway.fetch });
    const withState = { ...spanContext, traceState: { serialize: () => 'vendor=1' } as never };
    await context.with(trace.setSpanContext(context.active(), withState), async () => {
      await publisher.publish('orders', 1);
      await publisher.publishBatch('orders', [{ data: 1 }]).catch(() => undefined);
    });
    for (const request of gateway.seen) expect(request.headers).toMatchObject({ traceparent: expect.stringContaining(spanContext.traceId), tracestate: 'vendor=1' });
  });

  it('an explicit traceparent wins', async () => {
    const gateway = fakeGateway([accepted('x')]);
    const publisher = createPublisher({ url: 'http://gw.test', fetch: gateway.fetch });
    const mine = '00-11111111111111111111111111111111-2222222222222222-00';
    await inSpan(() => publisher.publish('orders', 1, { traceparent: mine }));
    expect(gateway.seen[0]!.headers.traceparent).toBe(mine);
  });
});
