import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

// startTelemetry in a real process (it registers globals, so never in the test's own): off by
// default without loading the SDK, on from the standard OTEL_* variables, flushed by shutdown().

const CHILD = fileURLToPath(new URL('./fixtures/telemetry-child.ts', import.meta.url));
const OTEL_VARS = /^OTEL_/;

interface ChildResult {
  exporting: boolean;
  sdkModules: string[];
  traceparent: string | undefined;
}

async function runChild(env: Record<string, string>, traceparent: string): Promise<ChildResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !OTEL_VARS.test(key)));
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD], {
    env: { ...base, ...env, CHILD_TRACEPARENT: traceparent },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as ChildResult;
}

function callerContext(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

describe('startTelemetry', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('is off without OTEL_* export settings: no SDK loaded, the caller traceparent passes through unchanged', async () => {
    const caller = callerContext();
    const result = await runChild({ OTEL_SERVICE_NAME: 'ignored' }, caller.traceparent);
    expect(result).toEqual({ exporting: false, sdkModules: [], traceparent: caller.traceparent });
  });

  it('stays off with OTEL_TRACES_EXPORTER=none even when an endpoint is set', async () => {
    const caller = callerContext();
    const result = await runChild({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, caller.traceparent);
    expect(result.exporting).toBe(false);
    expect(result.sdkModules).toEqual([]);
  });

  it.each(['http/json', 'http/protobuf'] as const)('exports over OTLP %s and flushes on shutdown', async (protocol) => {
    const caller = callerContext();
    const result = await runChild(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        // Far beyond the test: the span can only arrive through shutdown()'s flush.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
      caller.traceparent,
    );
    expect(result.exporting).toBe(true);
    expect(result.sdkModules).toContain('@opentelemetry/sdk-node'); // the detector the off case relies on works
    const [span] = receiver.trace(caller.traceId);
    expect(span).toMatchObject({
      name: 'child-span',
      parentSpanId: caller.spanId,
      service: 'child-default',
      encoding: protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    });
    expect(result.traceparent).toBe(`00-${caller.traceId}-${span?.spanId}-01`);
  });

  it('takes service.name from OTEL_SERVICE_NAME over the app default', async () => {
    const caller = callerContext();
    await runChild({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'from-env' }, caller.traceparent);
    expect(receiver.trace(caller.traceId).map((span) => span.service)).toEqual(['from-env']);
  });
});
