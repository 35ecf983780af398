// Row: gateway RSS under a flood while the broker is blocked (memory alarm on a private node).
// Baseline: the same gateway's idle RSS just before the flood.
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../lib/apps.ts';
import { declareBenchRoute, openConnection } from '../lib/broker.ts';
import type { BenchCase } from '../lib/context.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { heapNote } from '../lib/measure.ts';
import { jsonMessage } from '../lib/payload.ts';
import { sampleRss, type RssSummary } from '../lib/rss.ts';
import { fmt } from '../lib/table.ts';

const NAME = 'gateway RSS, flood while broker blocked';
const GOAL = 'flat, < 200 MB';
/** Connections in the flood: far more than a normal client, all against a blocked broker. */
const FLOOD_CONNECTIONS = 200;

/** Floods `url` for `seconds`, sampling the pid's RSS separately in each half of the flood. */
async function floodInHalves(url: string, pid: number, seconds: number): Promise<{ flood: LoadResult; first: RssSummary; second: RssSummary }> {
  const firstHalf = sampleRss(pid, 100);
  let secondHalf: ReturnType<typeof sampleRss> | undefined;
  const switchHalves = setTimeout(() => {
    secondHalf = sampleRss(pid, 100);
  }, (seconds / 2) * 1000);
  const flood = await runLoad({ url, body: jsonMessage(), connections: FLOOD_CONNECTIONS, durationS: seconds });
  clearTimeout(switchHalves);
  const first = firstHalf.stop();
  return { flood, first, second: secondHalf?.stop() ?? first };
}

export const gatewayBlockedRss: BenchCase = {
  id: 'gateway-blocked-rss',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway', 'private-node'],
  async run(ctx) {
    const node = await ctx.privateNode();
    const conn = await openConnection(node.url);
    ctx.cleanup.add(() => conn.close());
    const { exchange, routingKey } = await declareBenchRoute(conn, ctx.cleanup);
    const gateway = await startGateway({ ...ctx, amqpUrl: node.url }, { topic: 'bench', exchange, routingKey });
    const url = `${gateway.url}/v1/topics/bench/messages`;
    await runLoad({ url, body: jsonMessage(), connections: 8, durationS: 1 }); // warm: JIT and pools as in production
    const idleSampler = sampleRss(gateway.proc.pid, 100);
    await sleep(1000);
    const idle = idleSampler.stop();
    ctx.cleanup.add(() => node.ctl(['set_vm_memory_high_watermark', '0.4']));
    await node.ctl(['set_vm_memory_high_watermark', '0.000001']); // alarm: the broker blocks publishers
    const { flood, first, second } = await floodInHalves(url, gateway.proc.pid, ctx.settings.floodS);
    const heap = await heapNote(gateway.url).catch(() => '');
    const maxMb = Math.max(first.maxMb, second.maxMb);
    // Flat: the second half of the flood peaks no higher than the first half (+10% or 5 MB noise).
    const flat = second.maxMb <= Math.max(first.maxMb * 1.1, first.maxMb + 5);
    ctx.log(`blocked flood: idle ${fmt(idle.maxMb)} MB, halves ${fmt(first.maxMb)} / ${fmt(second.maxMb)} MB, statuses ${JSON.stringify(flood.statuses)}`);
    return [
      {
        name: NAME,
        measured: `max ${fmt(maxMb)} MB (1st half ${fmt(first.maxMb)}, 2nd half ${fmt(second.maxMb)}), p99 answer ${fmt(flood.p99Ms)} ms`,
        baseline: `idle before the flood: ${fmt(idle.maxMb)} MB`,
        ratio: maxMb / idle.maxMb,
        goal: GOAL,
        verdict: flat && maxMb < 200 ? 'pass' : 'MISS',
        note: `${FLOOD_CONNECTIONS} connections for ${ctx.settings.floodS} s against a private node under a memory alarm; answers ${JSON.stringify(flood.statuses)}, ${flood.errors} connection errors/timeouts. After the flood:${heap}`,
      },
    ];
  },
};
