// The header of a result: what the numbers were taken on.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { brokerVersion } from './broker.ts';
import type { BenchContext } from './context.ts';

/** Markdown lines naming the machine, Node, RabbitMQ and the run's settings. */
export async function describeMachine(ctx: BenchContext, elapsedS: number): Promise<string> {
  const rabbit = await brokerVersion(ctx.amqpUrl);
  const s = ctx.settings;
  return [
    `# mq-gateway benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${ctx.quick ? ' (--quick)' : ''}`,
    '',
    `- machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`,
    `- Node ${process.version}, RabbitMQ ${rabbit} (shared broker at ${new URL(ctx.amqpUrl).host}; management and alarm rows use a private node of the same install)`,
    `- messages: 1 KiB JSON, persistent, publisher confirms, quorum queues; ${s.connections} HTTP connections, ${s.durationS} s per measurement, ${s.rounds} alternating round(s) (median), backlog ${s.backlog.toLocaleString('en-US')} messages (RSS row ${s.rssBacklog.toLocaleString('en-US')}), prefetch ${s.prefetch}`,
    `- run took ${elapsedS.toFixed(0)} s; ratios compare against the baseline measured in this same run, so they travel between machines better than the absolute numbers`,
  ].join('\n');
}
