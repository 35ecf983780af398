// Row: gateway cold start, process spawn to the first /readyz 200 (config parsed, broker
// connected, topology declared). Baseline: the minimal Hono + rabbitmq-client server's cold start
// to its own readiness (connected), which is what Node and the AMQP handshake cost anyway.
import { startGateway, startHonoBaseline, type Server } from '../lib/apps.ts';
import { benchName, deleteObjects } from '../lib/broker.ts';
import { alternate, median, type BenchCase } from '../lib/context.ts';
import { fmt } from '../lib/table.ts';

const NAME = 'gateway cold start to /readyz 200';
const GOAL = '< 1 s';

/** Starts, reads how long it took to be ready, stops. */
async function timeStart(start: () => Promise<Server>): Promise<number> {
  const server = await start();
  await server.proc.stop();
  return server.readyAfterMs;
}

export const coldStart: BenchCase = {
  id: 'cold-start',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway'],
  async run(ctx) {
    const exchange = benchName('x');
    ctx.cleanup.add(() => deleteObjects(ctx.conn, { exchanges: [exchange] }));
    const runs = await alternate(
      ctx.settings.coldStarts,
      () => timeStart(() => startHonoBaseline(ctx, exchange, 'bench.msg')),
      () => timeStart(() => startGateway(ctx, { topic: 'bench', exchange, routingKey: 'bench.msg' })),
    );
    const subject = median(runs.subject);
    const baseline = median(runs.baseline);
    return [
      {
        name: NAME,
        measured: `median ${fmt(subject)} ms (max ${fmt(Math.max(...runs.subject))} ms)`,
        baseline: `minimal Hono + rabbitmq-client: median ${fmt(baseline)} ms`,
        ratio: subject / baseline,
        goal: GOAL,
        verdict: subject < 1000 ? 'pass' : 'MISS',
        note: `${ctx.settings.coldStarts} starts each, alternating; from spawn() to the first 200, polled every 10 ms; broker already up.`,
      },
    ];
  },
};
