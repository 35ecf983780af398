// The gateway's single-publish figures with tracing off and on, as gateway-single measures them,
// kept in the run's memo for tracing-cost: the same comparison need not be loaded twice.
import type { LoadSummary } from './measure.ts';

export interface GatewayTracing {
  off: LoadSummary;
  on: LoadSummary;
  /** OTLP export requests that arrived while they were measured. */
  exports: number;
}

const FIELDS = ['rps', 'p99Ms', 'cpuUsPerReq'] as const;

export function rememberGatewayTracing(memo: Map<string, number>, measured: GatewayTracing): void {
  for (const side of ['off', 'on'] as const) for (const field of FIELDS) memo.set(`gateway.tracing.${side}.${field}`, measured[side][field]);
  memo.set('gateway.tracing.exports', measured.exports);
}

/** What gateway-single left, or undefined when it did not run in this run. */
export function recallGatewayTracing(memo: Map<string, number>): GatewayTracing | undefined {
  const exports = memo.get('gateway.tracing.exports');
  if (exports === undefined) return undefined;
  const side = (name: 'off' | 'on'): LoadSummary => ({
    rps: memo.get(`gateway.tracing.${name}.rps`) ?? Number.NaN,
    p99Ms: memo.get(`gateway.tracing.${name}.p99Ms`) ?? Number.NaN,
    cpuUsPerReq: memo.get(`gateway.tracing.${name}.cpuUsPerReq`) ?? Number.NaN,
  });
  return { off: side('off'), on: side('on'), exports };
}
