import { describe, expect, it } from 'vitest';
import { pendingCounts } from './pending-counts.js';

describe('pendingCounts', () => {
  it('hands each label set its count since the last flush, and nothing for a set that counted none', () => {
    const added: Array<[string, number]> = [];
    const sink = { inc: (labels: string, value: number) => void added.push([labels, value]) };
    const counts = pendingCounts<string>();
    const done = counts.child('done');
    const failed = counts.child('failed');
    done.inc();
    done.inc();
    failed.inc();
    counts.flushInto(sink);
    expect(added).toEqual([['done', 2], ['failed', 1]]);
    done.inc();
    counts.flushInto(sink);
    counts.flushInto(sink);
    expect(added).toEqual([['done', 2], ['failed', 1], ['done', 1]]);
  });
});
