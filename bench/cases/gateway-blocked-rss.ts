// Row: gateway RSS under a flood while the broker is blocked (memory alarm on a private node).
// Baseline: the same gateway's idle RSS just before the flood.
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../lib/apps.ts';
import { benchName, declareRoute, openConnection } from '../lib/broker.ts';
import type { BenchCase } from '../lib/context.ts';
import { runLoad } from '../lib/load.ts';
import { jsonMessage } from '../lib/payload.ts';
import { sampleRss } from '../lib/rss.ts';
import { fmt } from '../lib/table.ts';

const NAME = 'gateway RSS, flood while broker blocked';
const GOAL = 'flat, < 200 MB';
/** Connections in the flood: far more than a normal client, all waiting on a blocked broker. */
const FLOOD_CONNECTIONS = 200;

export const gatewayBlockedRss: BenchCase = {
  id: 'gateway-blocked-rss',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway', 'private-node'],
  async run(ctx) {
    const node = await ctx.privateNode();
    const exchange = benchName('x');
    const conn = await openConnection(node.url);
    await declareRoute(conn, exchange, benchName('q'), 'bench.msg');
    const gateway = await startGateway({ tmpDir: ctx.tmpDir, amqpUrl: node.url }, { topic: 'bench', exchange, routingKey: 'bench.msg' });
    const url = `${gateway.url}/v1/topics/bench/messages`;
    try {
      await runLoad({ url, body: jsonMessage(), connections: 8, durationS: 1 }); // warm: JIT and pools as in production
      const idleSampler = sampleRss(gateway.proc.pid, 100);
      await sleep(1000);
      const idle = idleSampler.stop();
      await node.ctl(['set_vm_memory_high_watermark', '0.000001']); // alarm: the broker blocks publishers
      const firstHalf = sampleRss(gateway.proc.pid, 100);
      const halfS = ctx.settings.floodS / 2;
      let secondHalf: ReturnType<typeof sampleRss> | undefined;
      const switchHalves = setTimeout(() => {
        secondHalf = sampleRss(gateway.proc.pid, 100);
      }, halfS * 1000);
      const flood = await runLoad({ url, body: jsonMessage(), connections: FLOOD_CONNECTIONS, durationS: ctx.settings.floodS });
      clearTimeout(switchHalves);
      const first = firstHalf.stop();
      const second = secondHalf?.stop() ?? first;
      await node.ctl(['set_vm_memory_high_watermark', '0.4']);
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
          note: `${FLOOD_CONNECTIONS} connections for ${ctx.settings.floodS} s against a private node under a memory alarm; answers ${JSON.stringify(flood.statuses)}, ${flood.errors} connection errors/timeouts.`,
        },
      ];
    } finally {
      await node.ctl(['set_vm_memory_high_watermark', '0.4']).catch(() => undefined);
      await gateway.proc.stop();
      await conn.close();
    }
  },
};
