import { describe, expect, it } from 'vitest';
import { errorRow, fmtRatio, judgeAtLeast, judgeAtMost, renderTable, type Row } from './table.ts';

const row: Row = { name: 'a', measured: '10 req/s', baseline: 'b: 20 req/s', ratio: 0.5, goal: '>= 0.9x', verdict: 'MISS' };

describe('renderTable', () => {
  it('renders one line per row with the ratio, and numbers notes below', () => {
    const text = renderTable([row, { ...row, name: 'b', note: 'why | how', ratio: undefined, verdict: 'report' }]);
    const lines = text.split('\n');
    expect(lines[2]).toBe('| a | 10 req/s | b: 20 req/s | 0.50x | >= 0.9x | MISS |');
    expect(lines[3]).toBe('| b [1] | 10 req/s | b: 20 req/s | n/a | >= 0.9x | report |');
    expect(lines.at(-1)).toBe('1. why | how');
  });

  it('escapes pipes inside cells so a note cannot break the table', () => {
    expect(renderTable([{ ...row, measured: 'x|y' }])).toContain('| x\\|y |');
  });
});

describe('verdicts', () => {
  it('judges a ratio against its minimum', () => {
    expect(judgeAtLeast(0.95, 0.9)).toBe('pass');
    expect(judgeAtLeast(0.85, 0.9)).toBe('MISS');
    expect(judgeAtLeast(Number.NaN, 0.9)).toBe('error');
    expect(fmtRatio(12.345)).toBe('12.35x');
  });

  it('judges a cost ratio against its maximum', () => {
    expect(judgeAtMost(1.05, 1.1)).toBe('pass');
    expect(judgeAtMost(1.2, 1.1)).toBe('MISS');
    expect(judgeAtMost(undefined, 1.1)).toBe('error');
  });

  it('turns a failure into an error row with its first line', () => {
    expect(errorRow('a', 'g', new Error('boom\nstack'))).toMatchObject({ verdict: 'error', note: 'boom', ratio: undefined });
  });
});
