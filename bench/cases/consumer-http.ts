// Row: consumer HTTP delivery to a local app, msgs/s and p99, vs a bare rabbitmq-client consumer
// doing one undici request per message to the same app (same prefetch, concurrency and
// keep-alive pool), draining the same backlog alternately for the run's rounds. The app hit
// directly by autocannon (what it can take without anything in front) is in the note.
import { getJson, startBareConsumer, startSinkApp, type Server } from '../lib/apps.ts';
import { consumerSetup, drainBoth, perRoundRatios } from '../lib/consumer-setup.ts';
import { median, type BenchCase } from '../lib/context.ts';
import { medianDrain } from '../lib/drain.ts';
import { cpuNote, publishLoad } from '../lib/measure.ts';
import { histogramQuantile } from '../lib/prometheus.ts';
import { fmt, judgeAtLeast } from '../lib/table.ts';

const NAME = 'consumer, HTTP delivery to a local app';
const GOAL = '>= 0.8x';

export const consumerHttp: BenchCase = {
  id: 'consumer-http',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['consumer'],
  async run(ctx) {
    const app = await startSinkApp(ctx);
    const deliveries = `${app.url}/deliveries`;
    const setup = consumerSetup(ctx, { url: deliveries });
    await setup.prepare();
    const { prefetch, rounds } = ctx.settings;
    const direct = await publishLoad(ctx, 'app direct', deliveries, { connections: prefetch });
    await fetch(`${app.url}/reset`, { method: 'POST' });
    const p99s: number[] = [];
    const readP99 = async (server: Server): Promise<void> => {
      const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
      p99s.push(histogramQuantile(metrics, 'messaging_process_duration_seconds', 0.99) * 1000);
    };
    const bareHttp = { what: 'bare HTTP consumer', start: () => startBareConsumer(ctx, setup.options.queue, prefetch, prefetch, false, deliveries) };
    const runs = await drainBoth(ctx, setup, () => setup.start(), { rounds, beforeStop: readP99, bare: bareHttp });
    const [bare, ours] = [medianDrain(runs.bare), medianDrain(runs.ours)];
    const received = await getJson<{ count: number }>(`${app.url}/stats`);
    ctx.memo.set('consumer.http.rate', ours.msgsPerSec);
    const ratio = ours.msgsPerSec / bare.msgsPerSec;
    const perRound = perRoundRatios(runs);
    const p99Ms = median(p99s);
    return [
      {
        name: NAME,
        measured: `${fmt(ours.msgsPerSec)} msgs/s, p99 delivery ${fmt(p99Ms, 1)} ms`,
        baseline: `bare rabbitmq-client + undici request() per message: ${fmt(bare.msgsPerSec)} msgs/s`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 0.8),
        note: `Draining a ${fmt(ctx.settings.backlog)}-message backlog, prefetch and concurrency ${prefetch} on both, one keep-alive pool each; median of ${rounds} alternating round(s) (ratio per round: ${perRound}); p99 from the consumer's messaging_process_duration_seconds histogram (bucket interpolation); the app received ${fmt(received.count)} deliveries from both; the app hit directly by autocannon (${prefetch} connections): ${fmt(direct.okPerSec)} req/s, p99 ${fmt(direct.p99Ms, 1)} ms.${cpuNote('consumer vs bare HTTP consumer, median', ours.cpuUsPerMsg, bare.cpuUsPerMsg, 'delivery')}`,
      },
    ];
  },
};
