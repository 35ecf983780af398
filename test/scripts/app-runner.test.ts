import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../scripts/lib/app-runner.ts';

describe('formatLogLine', () => {
  it('turns a pino line into time, level, message and the remaining fields', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 0, 1), pid: 1, hostname: 'h', msg: 'slow', ms: 12 });
    expect(formatLogLine(line)).toBe('12:00:01 WARN slow {"ms":12}');
  });

  it('passes other lines through unchanged', () => {
    expect(formatLogLine('sample-app listening on http://127.0.0.1:3000')).toBe('sample-app listening on http://127.0.0.1:3000');
    expect(formatLogLine('{not json')).toBe('{not json');
  });
});
