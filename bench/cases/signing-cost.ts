// Row: what signing deliveries costs. The consumer's CPU per HTTP delivery with deliver.signing
// (Standard Webhooks, one secret) against the same subscription unsigned, same run, same app.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONSUMER_MAIN, getJson, startSinkApp } from '../lib/apps.ts';
import { consumerSetup } from '../lib/consumer-setup.ts';
import { ownCpuMeter } from '../lib/cpu.ts';
import { alternate, type BenchCase } from '../lib/context.ts';
import { drainWith, medianDrain } from '../lib/drain.ts';
import { fmt, judgeAtMost } from '../lib/table.ts';

const NAME = 'signed vs unsigned HTTP delivery, consumer CPU';
const GOAL = '<= 1.1x';
const SECRET_ENV = 'BENCH_SIGNING_SECRET';

type Signer = (headers: Record<string, string>, body: Buffer) => void;

/**
 * CPU of the consumer's own signer alone, in this process: µs per 1 KiB delivery. Steadier than
 * the difference of two drains on a loaded machine, so the note can say what signing adds.
 */
async function signerCpuUs(): Promise<number> {
  const url = pathToFileURL(join(dirname(CONSUMER_MAIN), 'delivery', 'signing.js')).href;
  const { createSigner } = (await import(url)) as { createSigner: (keys: Buffer[]) => Signer };
  const sign = createSigner([randomBytes(32)]);
  const body = Buffer.alloc(1024, 'a');
  const run = (count: number): number => {
    const meter = ownCpuMeter();
    for (let i = 0; i < count; i++) sign({ 'ce-id': `01JD8ZQ${i}` }, body);
    return meter.stop(count);
  };
  run(20_000); // warm-up: JIT and the KeyObject path
  return Math.min(run(50_000), run(50_000));
}

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
    const signerUs = await signerCpuUs();
    return [
      {
        name: NAME,
        measured: `signed: ${fmt(signed.cpuUsPerMsg)} µs CPU/delivery (${fmt(signed.msgsPerSec)} msgs/s)`,
        baseline: `unsigned: ${fmt(unsigned.cpuUsPerMsg)} µs CPU/delivery (${fmt(unsigned.msgsPerSec)} msgs/s)`,
        ratio,
        goal: GOAL,
        verdict: judgeAtMost(ratio, 1.1),
        note: `Draining a ${fmt(backlog)}-message backlog of 1 KiB JSON to a local app, ${runs.subject.length} round(s) each, alternated; signed = webhook-id/-timestamp/-signature with one HMAC-SHA256 per delivery over id.timestamp.body (node:crypto). The app received ${fmt(received.count)} deliveries. The ratio is CPU per delivery, signed / unsigned. The signer alone (in-process, 1 KiB): ${fmt(signerUs, 1)} µs per delivery = ${fmt((signerUs / unsigned.cpuUsPerMsg) * 100, 1)} % of an unsigned delivery's CPU.`,
      },
    ];
  },
};
