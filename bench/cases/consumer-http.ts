// Row: consumer HTTP delivery to a local app, msgs/s and p99, vs the same app hit directly by
// autocannon (what the app can take without a sidecar in front).
import { getJson, startSinkApp, type Server } from '../lib/apps.ts';
import { consumerSetup } from '../lib/consumer-setup.ts';
import type { BenchCase } from '../lib/context.ts';
import { drainWith } from '../lib/drain.ts';
import { publishLoad } from '../lib/measure.ts';
import { histogramQuantile } from '../lib/prometheus.ts';
import { fmt } from '../lib/table.ts';

const NAME = 'consumer, HTTP delivery to a local app';
const GOAL = 'report';

export const consumerHttp: BenchCase = {
  id: 'consumer-http',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['consumer'],
  async run(ctx) {
    const app = await startSinkApp(ctx);
    const setup = consumerSetup(ctx, { url: `${app.url}/deliveries` });
    await setup.prepare();
    const direct = await publishLoad(ctx, 'app direct', `${app.url}/deliveries`, { connections: ctx.settings.prefetch });
    await fetch(`${app.url}/reset`, { method: 'POST' });
    await setup.fill(ctx.settings.backlog);
    let p99Ms = Number.NaN;
    const readP99 = async (server: Server): Promise<void> => {
      const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
      p99Ms = histogramQuantile(metrics, 'messaging_process_duration_seconds', 0.99) * 1000;
    };
    const { drain, cpuUsPerMsg } = await drainWith(ctx, 'consumer (HTTP)', setup.options.queue, ctx.settings.backlog, () => setup.start(), readP99);
    const received = await getJson<{ count: number }>(`${app.url}/stats`);
    ctx.memo.set('consumer.http.rate', drain.msgsPerSec);
    return [
      {
        name: NAME,
        measured: `${fmt(drain.msgsPerSec)} msgs/s, p99 delivery ${fmt(p99Ms, 1)} ms`,
        baseline: `app hit directly (${ctx.settings.prefetch} connections): ${fmt(direct.okPerSec)} req/s, p99 ${fmt(direct.p99Ms, 1)} ms`,
        ratio: drain.msgsPerSec / direct.okPerSec,
        goal: GOAL,
        verdict: 'report',
        note: `Draining a ${fmt(ctx.settings.backlog)}-message backlog, prefetch and concurrency ${ctx.settings.prefetch}; p99 from the consumer's messaging_process_duration_seconds histogram (bucket interpolation); the app received ${fmt(received.count)} deliveries; the consumer spent ${fmt(cpuUsPerMsg)} µs CPU per delivery.`,
      },
    ];
  },
};
