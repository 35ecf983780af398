import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type * as Amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMQP_URL, receivedBy, stackConfig, stackNames, type StackNames } from '../e2e/stack.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { startApp, type AppProcess } from '../helpers/processes.ts';

// Our services propagate W3C trace context through AMQP headers the same way
// @opentelemetry/instrumentation-amqplib does, so traces cross between the two in both directions.

// The instrumentation patches amqplib's CommonJS files as they load: enable it, then require.
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const instrumentation = new AmqplibInstrumentation();
const amqplib = createRequire(import.meta.url)('amqplib') as typeof Amqplib;

/** The amqplib side's finished spans, as plain values. */
async function amqplibSpans() {
  await provider.forceFlush();
  return exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    messageId: span.attributes['messaging.message_id'] ?? span.attributes['messaging.message.id'],
  }));
}

function otelEnv(receiver: OtlpReceiver): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_BSP_SCHEDULE_DELAY: '100' };
}

describe('trace interop with @opentelemetry/instrumentation-amqplib', () => {
  let receiver: OtlpReceiver;
  let names: StackNames;
  let sample: AppProcess;
  let gateway: AppProcess;
  let consumer: AppProcess;
  let connection: Amqplib.ChannelModel;
  let channel: Amqplib.ConfirmChannel;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    trace.setGlobalTracerProvider(provider);
    instrumentation.setTracerProvider(provider);
    receiver = await startOtlpReceiver();
    names = stackNames();
    sample = await startApp('sample-app');
    const config = stackConfig(names, sample.url);
    [consumer, gateway] = await Promise.all([
      startApp('consumer', { config, env: otelEnv(receiver) }),
      startApp('gateway', { config, env: otelEnv(receiver) }),
    ]);
    connection = await amqplib.connect(AMQP_URL);
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), consumer?.stop()]);
    await sample?.stop();
    for (const queue of names.allQueues) await channel?.deleteQueue(queue).catch(() => undefined);
    await channel?.deleteExchange(names.exchange).catch(() => undefined);
    await connection?.close();
    await receiver?.close();
    instrumentation.disable();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('an instrumented amqplib publish is processed by our consumer inside the same trace', async () => {
    const messageId = `amqplib-${randomUUID()}`;
    const body = Buffer.from(JSON.stringify({ from: 'amqplib' }));
    await new Promise<void>((resolve, reject) => {
      channel.publish(names.exchange, 'e2e.created', body, { messageId, contentType: 'application/json', persistent: true }, (error) =>
        error ? reject(error as Error) : resolve(),
      );
    });
    const producer = (await amqplibSpans()).find((s) => s.kind === SpanKind.PRODUCER && s.messageId === messageId);
    expect(producer).toBeDefined();

    await expect
      .poll(() => receiver.spans.filter((s) => s.kind === 'CONSUMER' && s.attributes['messaging.message.id'] === messageId).length, { timeout: 30_000 })
      .toBe(1);
    const processSpan = receiver.spans.find((s) => s.kind === 'CONSUMER' && s.attributes['messaging.message.id'] === messageId)!;
    expect(processSpan).toMatchObject({ traceId: producer!.traceId, parentSpanId: producer!.spanId, name: `process ${names.queue}` });

    await expect.poll(async () => (await receivedBy(sample)).filter((d) => d.headers['ce-id'] === messageId).length, { timeout: 30_000 }).toBe(1);
    const delivery = (await receivedBy(sample)).find((d) => d.headers['ce-id'] === messageId);
    expect(delivery?.headers.traceparent).toMatch(new RegExp(`^00-${producer!.traceId}-[0-9a-f]{16}-01$`));
  });

  it('a message our gateway publishes continues its trace in an instrumented amqplib consumer', async () => {
    const queue = `${names.queue}.amqplib`;
    await channel.assertQueue(queue, { exclusive: true });
    await channel.bindQueue(queue, names.exchange, 'e2e.#');
    const consumed: string[] = [];
    await channel.consume(queue, (msg) => {
      if (!msg) return;
      consumed.push(String(msg.properties.messageId));
      channel.ack(msg);
    });

    const response = await fetch(`${gateway.url}/v1/topics/${names.topic}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'amqplib' }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    await expect.poll(() => consumed).toContain(id);
    await expect.poll(() => receiver.spans.some((s) => s.kind === 'PRODUCER' && s.attributes['messaging.message.id'] === id), { timeout: 30_000 }).toBe(true);
    const gatewayProducer = receiver.spans.find((s) => s.kind === 'PRODUCER' && s.attributes['messaging.message.id'] === id)!;
    await expect
      .poll(async () => (await amqplibSpans()).filter((s) => s.kind === SpanKind.CONSUMER && s.messageId === id).length)
      .toBe(1);
    const amqplibConsumer = (await amqplibSpans()).find((s) => s.kind === SpanKind.CONSUMER && s.messageId === id);
    expect(amqplibConsumer).toMatchObject({ traceId: gatewayProducer.traceId, parentSpanId: gatewayProducer.spanId });
  });
});
