// Row: gateway single publish vs RabbitMQ's management HTTP publish API, both against one private
// node with the management plugin (never the shared broker).
import { startGateway } from '../lib/apps.ts';
import { declareBenchRoute, openConnection } from '../lib/broker.ts';
import { alternate, type BenchCase } from '../lib/context.ts';
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
    const gateway = await startGateway({ ...ctx, amqpUrl: node.url }, { topic: 'bench', exchange, routingKey });
    const gatewayUrl = `${gateway.url}/v1/topics/bench/messages`;
    const mgmt = managementPublish(node.managementUrl, exchange, routingKey);
    await publishLoad(ctx, 'warm-up management', mgmt.url, { ...mgmt, durationS: 1 });
    await publishLoad(ctx, 'warm-up gateway (private node)', gatewayUrl, { durationS: 1 });
    const runs = await alternate(
      ctx.settings.rounds,
      async () => publishLoad(ctx, 'management API', mgmt.url, mgmt).finally(() => conn.queuePurge({ queue })),
      async () => publishLoad(ctx, 'gateway (private node)', gatewayUrl).finally(() => conn.queuePurge({ queue })),
    );
    const subject = summarize(runs.subject);
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
        note: 'Both against the same private RabbitMQ node with rabbitmq_management; tracing off (the default) for the gateway here.',
      },
    ];
  },
};
