// Row: consumer RSS while draining a backlog (200,000 messages; fewer with --quick), delivering
// over HTTP to a local app as a sidecar does. Baseline: a bare rabbitmq-client consumer's RSS
// draining the same backlog.
import { startSinkApp, type Server } from '../lib/apps.ts';
import { consumerSetup, drainBoth } from '../lib/consumer-setup.ts';
import type { BenchCase } from '../lib/context.ts';
import { heapNote } from '../lib/measure.ts';
import { fmt } from '../lib/table.ts';

const NAME = 'consumer RSS draining a backlog';
const GOAL = '< 200 MB';
const FULL_BACKLOG = 200_000;

export const consumerRss: BenchCase = {
  id: 'consumer-rss',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['consumer'],
  async run(ctx) {
    const { rssBacklog: backlog, prefetch } = ctx.settings;
    const app = await startSinkApp(ctx);
    const setup = consumerSetup(ctx, { url: `${app.url}/deliveries` });
    await setup.prepare();
    let heap = '';
    const readHeap = async (server: Server): Promise<void> => {
      heap = ` At the end:${await heapNote(server.url)}`;
    };
    // One round: a 200,000-message drain is long enough, and more would make the run slow.
    const runs = await drainBoth(ctx, setup, () => setup.start(), { backlog, beforeStop: readHeap });
    const [bare, ours] = [runs.bare[0]!, runs.ours[0]!];
    const shortfall = backlog < FULL_BACKLOG ? ` Backlog ${fmt(backlog)} messages, not the full ${fmt(FULL_BACKLOG)} (--quick or --backlog).` : '';
    return [
      {
        name: NAME,
        measured: `max ${fmt(ours.rss.maxMb)} MB (start ${fmt(ours.rss.firstMb)}, end ${fmt(ours.rss.lastMb)}) over ${fmt(backlog)} msgs`,
        baseline: `bare rabbitmq-client consumer: max ${fmt(bare.rss.maxMb)} MB`,
        ratio: ours.rss.maxMb / bare.rss.maxMb,
        goal: GOAL,
        verdict: ours.rss.maxMb < 200 ? 'pass' : 'MISS',
        note: `HTTP delivery to a local app, prefetch ${prefetch}; RSS sampled every 100 ms from /proc.${heap}${shortfall}`,
      },
    ];
  },
};
