// One markdown table: every row holds a measurement, its same-run baseline and their ratio.

/** How a row is judged against its goal. */
export type Verdict = 'pass' | 'MISS' | 'report' | 'error' | 'skipped';

export interface Row {
  name: string;
  /** The measured thing, formatted (e.g. "4,210 req/s, p99 18 ms"). */
  measured: string;
  /** The baseline measured in the same run, formatted, with what it is. */
  baseline: string;
  /** measured / baseline on the compared quantity; undefined when it could not be computed. */
  ratio: number | undefined;
  goal: string;
  verdict: Verdict;
  note?: string;
}

/** Formats a number with thousands separators and at most `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A ratio as "0.93x". */
export function fmtRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? 'n/a' : `${ratio.toFixed(2)}x`;
}

/** pass / MISS for a "higher is better" goal, `report` when there is no threshold. */
export function judgeAtLeast(ratio: number | undefined, min: number): Verdict {
  if (ratio === undefined || !Number.isFinite(ratio)) return 'error';
  return ratio >= min ? 'pass' : 'MISS';
}

/** `pass` when a cost ratio is at most `max` (e.g. CPU with a feature / without). */
export function judgeAtMost(ratio: number | undefined, max: number): Verdict {
  if (ratio === undefined || !Number.isFinite(ratio)) return 'error';
  return ratio <= max ? 'pass' : 'MISS';
}

/** A row for a case that failed, so one broken case never hides the rest of the table. */
export function errorRow(name: string, goal: string, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return { name, measured: 'failed', baseline: '', ratio: undefined, goal, verdict: 'error', note: message.split('\n')[0]?.slice(0, 200) };
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Renders the rows as a GitHub markdown table, notes numbered below it. */
export function renderTable(rows: Row[]): string {
  const lines = [
    '| row | measured | baseline (same run) | ratio | goal | result |',
    '|---|---|---|---:|---|---|',
  ];
  const notes: string[] = [];
  for (const row of rows) {
    let name = row.name;
    if (row.note) {
      notes.push(row.note);
      name += ` [${notes.length}]`;
    }
    lines.push(`| ${[name, row.measured, row.baseline, fmtRatio(row.ratio), row.goal, row.verdict].map(cell).join(' | ')} |`);
  }
  const noteLines = notes.map((note, i) => `${i + 1}. ${note}`);
  return [...lines, ...(noteLines.length ? ['', ...noteLines] : [])].join('\n');
}
