// Row: gateway single publish vs RabbitMQ's management HTTP publish API, both against one private
// node with the management plugin (never the shared broker). The minimal Hono + `await
// pub.send()` baseline runs against the same node too: how far any publish API gets on this machine.
import { startGateway, startHonoBaseline } from '../lib/apps.ts';
import { declareBenchRoute, openConnection } from '../lib/broker.ts';
import { alternate, type BenchCase } from '../lib/context.ts';
import { fmt } from '../lib/table.ts';
import { fmtLoad, publishLoad, summarize } from '../lib/measure.ts';
import { jsonMessage } from '../lib/payload.ts';
import { judgeAtLeast } from '../lib/table.ts';

const NAME = 'gateway single publish vs management API';
const GOAL = '>= 10x';

/** The management API's publish request for a 1 KiB persistent JSON message. */
function managementPublish(managementUrl: string, exchange: string, routingKey: string) {
  const base = new URL(managementUrl);
  const auth = Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64');
  return {
    url: `${base.protocol}//${base.host}/api/exchanges/%2F/${encodeURIComponent(exchange)}/publish`,
    headers: { authorization: `Basic ${auth}` },
    body: JSON.stringify({
      properties: { delivery_mode: 2, content_type: 'application/json' },
      routing_key: routingKey,
      payload: jsonMessage(),
      payload_encoding: 'string',
    }),
  };
}

export const gatewayManagement: BenchCase = {
  id: 'gateway-management',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['gateway', 'private-node'],
  async run(ctx) {
    const node = await ctx.privateNode();
    if (!node.managementUrl) throw new Error('private node started without management');
    const conn = await openConnection(node.url);
    ctx.cleanup.add(() => conn.close());
    const { exchange, queue, routingKey } = await declareBenchRoute(conn, ctx.cleanup);
    const onNode = { ...ctx, amqpUrl: node.url };
    const gateway = await startGateway(onNode, { topic: 'bench', exchange, routingKey });
    const hono = await startHonoBaseline(onNode, exchange, routingKey);
    const gatewayUrl = `${gateway.url}/v1/topics/bench/messages`;
    const honoUrl = `${hono.url}/publish`;
    const mgmt = managementPublish(node.managementUrl, exchange, routingKey);
    await publishLoad(ctx, 'warm-up management', mgmt.url, { ...mgmt, durationS: 1 });
    await publishLoad(ctx, 'warm-up gateway (private node)', gatewayUrl, { durationS: 1 });
    await publishLoad(ctx, 'warm-up hono (private node)', honoUrl, { durationS: 1 });
    const purged = <T>(load: Promise<T>) => load.finally(() => conn.queuePurge({ queue }));
    // Each round runs all three; the management API alternates first and last with the other two.
    const runs = await alternate(
      ctx.settings.rounds,
      () => purged(publishLoad(ctx, 'management API', mgmt.url, mgmt)),
      async () => [
        await purged(publishLoad(ctx, 'gateway (private node)', gatewayUrl)),
        await purged(publishLoad(ctx, 'hono (private node)', honoUrl)),
      ],
    );
    const subject = summarize(runs.subject.map(([ours]) => ours!));
    const reference = summarize(runs.subject.map(([, minimal]) => minimal!));
    const baseline = summarize(runs.baseline);
    const ratio = subject.rps / baseline.rps;
    return [
      {
        name: NAME,
        measured: fmtLoad(subject),
        baseline: `POST /api/exchanges/.../publish: ${fmtLoad(baseline)}`,
        ratio,
        goal: GOAL,
        verdict: judgeAtLeast(ratio, 10),
        note:
          'All against the same private RabbitMQ node with rabbitmq_management; tracing off (the default) for the gateway here. ' +
          `Minimal Hono + await pub.send() on the same node: ${fmt(reference.rps)} req/s = ${(reference.rps / baseline.rps).toFixed(2)}x the management API (the ceiling for any publish API with confirms on this machine).`,
      },
    ];
  },
};
