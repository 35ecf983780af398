// Row: what signing deliveries costs. The consumer's CPU per HTTP delivery with deliver.signing
// (Standard Webhooks, one secret) against the same subscription unsigned, same run, same app.
import { randomBytes } from 'node:crypto';
import { getJson, startSinkApp } from '../lib/apps.ts';
import { consumerSetup } from '../lib/consumer-setup.ts';
import { alternate, type BenchCase } from '../lib/context.ts';
import { drainWith, medianDrain } from '../lib/drain.ts';
import { fmt, judgeAtMost } from '../lib/table.ts';

const NAME = 'signed vs unsigned HTTP delivery, consumer CPU';
const GOAL = '<= 1.1x';
const SECRET_ENV = 'BENCH_SIGNING_SECRET';

export const signingCost: BenchCase = {
  id: 'signing-cost',
  rows: [{ name: NAME, goal: GOAL }],
  needs: ['consumer'],
  async run(ctx) {
    const app = await startSinkApp(ctx);
    const url = `${app.url}/deliveries`;
    const setup = consumerSetup(ctx, { url });
    await setup.prepare();
    const { backlog } = ctx.settings;
    const { queue } = setup.options;
    const signing = { deliver: { url, signing: { env: [SECRET_ENV] } }, env: { [SECRET_ENV]: `whsec_${randomBytes(32).toString('base64')}` } };
    const drain = (signed: boolean) => async () => {
      await setup.fill(backlog);
      return drainWith(ctx, `consumer ${signed ? 'signed' : 'unsigned'}`, queue, backlog, () => setup.start(signed ? signing : {}));
    };
    const runs = await alternate(ctx.settings.rounds, drain(false), drain(true));
    const [unsigned, signed] = [medianDrain(runs.baseline), medianDrain(runs.subject)];
    const received = await getJson<{ count: number }>(`${app.url}/stats`);
    const ratio = signed.cpuUsPerMsg / unsigned.cpuUsPerMsg;
    return [
      {
        name: NAME,
        measured: `signed: ${fmt(signed.cpuUsPerMsg)} µs CPU/delivery (${fmt(signed.msgsPerSec)} msgs/s)`,
        baseline: `unsigned: ${fmt(unsigned.cpuUsPerMsg)} µs CPU/delivery (${fmt(unsigned.msgsPerSec)} msgs/s)`,
        ratio,
        goal: GOAL,
        verdict: judgeAtMost(ratio, 1.1),
        note: `Draining a ${fmt(backlog)}-message backlog of 1 KiB JSON to a local app, ${runs.subject.length} round(s) each, alternated; signed = webhook-id/-timestamp/-signature with one HMAC-SHA256 per delivery over id.timestamp.body (node:crypto). The app received ${fmt(received.count)} deliveries. The ratio is CPU per delivery, signed / unsigned.`,
      },
    ];
  },
};
