import { describe, expect, it } from 'vitest';
import { recallGatewayTracing, rememberGatewayTracing } from './gateway-tracing.ts';

describe('gateway tracing figures in the memo', () => {
  it('are undefined until gateway-single left them', () => {
    expect(recallGatewayTracing(new Map([['gateway.rps', 5000]]))).toBeUndefined();
  });

  it('come back as they were left', () => {
    const memo = new Map<string, number>();
    const measured = { off: { rps: 7479, p99Ms: 21, cpuUsPerReq: 92 }, on: { rps: 5618, p99Ms: 29, cpuUsPerReq: 145 }, exports: 965 };
    rememberGatewayTracing(memo, measured);
    expect(recallGatewayTracing(memo)).toEqual(measured);
  });
});
