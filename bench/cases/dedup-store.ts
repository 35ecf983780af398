// Row: the in-memory dedup store stays as cheap once it is full as while it fills. Every delivery
// with a message id claims it and remembers it; once the store holds its bound of ids, each new one
// pushes the least recently used out. A store kept in a V8 Map in insertion order cost 24-32 µs
// per delivery there (docs/benchmarks.md, session 7), against about 1 µs while filling.
import { MemoryDedupStore } from '@mq/mq';
import { median, type BenchCase } from '../lib/context.ts';
import { ownCpuMeter } from '../lib/cpu.ts';
import { fmt, judgeAtMost } from '../lib/table.ts';

const NAME = 'dedup store past its bound, CPU per message';
const GOAL = '<= 1.5x';
/** The store's default bound (MemoryDedupStore `maxEntries`). */
const BOUND = 100_000;
const WINDOW_MS = 3_600_000;
const CLAIM_MS = 30_000;

/** CPU µs per message of claim + remember for ids `from` .. `from + count`, in this process. */
async function claimAndRemember(store: MemoryDedupStore, from: number, count: number): Promise<number> {
  const meter = ownCpuMeter();
  for (let i = from; i < from + count; i++) {
    const key = `orders:01JD8ZQ${i}`;
    await store.claim(key, CLAIM_MS);
    await store.remember(key, WINDOW_MS);
  }
  return meter.stop(count);
}

export const dedupStore: BenchCase = {
  id: 'dedup-store',
  rows: [{ name: NAME, goal: GOAL }],
  needs: [],
  async run(ctx) {
    const passes = ctx.quick ? 3 : 10; // ids pushed through past the bound, in multiples of it
    await claimAndRemember(new MemoryDedupStore({ maxEntries: BOUND }), 0, 20_000); // JIT warm-up
    const store = new MemoryDedupStore({ maxEntries: BOUND });
    const filling = await claimAndRemember(store, 0, BOUND);
    const full: number[] = [];
    for (let pass = 1; pass <= passes; pass++) full.push(await claimAndRemember(store, pass * BOUND, BOUND));
    const usPerMsg = median(full);
    const ratio = usPerMsg / filling;
    return [
      {
        name: NAME,
        measured: `${fmt(usPerMsg, 2)} µs/msg (median) over ${fmt(passes * BOUND)} ids past the bound (store holds ${fmt(store.size)})`,
        baseline: `the first ${fmt(BOUND)} ids, filling: ${fmt(filling, 2)} µs/msg`,
        ratio,
        goal: GOAL,
        verdict: judgeAtMost(ratio, 1.5),
        note: `MemoryDedupStore (maxEntries ${fmt(BOUND)}, the default), in the bench process: claim + remember per message id, as the consumer does for every delivery with an id. µs per message for each further ${fmt(BOUND)} ids: ${full.map((us) => fmt(us, 2)).join(', ')}.`,
      },
    ];
  },
};
