// `npm run bench [-- --quick] [-- --only id,id]`: runs every case against the real broker and
// prints one markdown table (stdout and bench/results/<date>.md), each row beside a baseline
// measured in the same run. Progress goes to stderr.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONSUMER_MAIN, GATEWAY_MAIN, isBuilt } from './lib/apps.ts';
import { compileBaselines } from './lib/baselines.ts';
import { createCleanup } from './lib/cleanup.ts';
import { openConnection } from './lib/broker.ts';
import { createContext, FULL, QUICK, type BenchCase, type BenchContext, type Settings } from './lib/context.ts';
import { describeMachine } from './lib/machine.ts';
import { killAll } from './lib/processes.ts';
import { errorRow, renderTable, type Row } from './lib/table.ts';
import { CASES, TABLE_ORDER } from './cases/index.ts';

const HELP = `usage: npm run bench [-- --quick] [-- --only <case,...>]
  --quick   short runs and a smaller backlog (under 3 minutes)
  --only    run only these cases: ${CASES.map((c) => c.id).join(', ')}
  --keep    keep the temp dir with the processes' logs
  --backlog N, --duration S   override the consumer backlog (and delayed-publish's message count) / seconds per measurement`;

function parseCli() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
      backlog: { type: 'string' },
      duration: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((id) => !CASES.some((c) => c.id === id)) ?? [];
  if (unknown.length) throw new Error(`unknown case(s): ${unknown.join(', ')}\n${HELP}`);
  const quick = values.quick ?? false;
  const settings: Settings = { ...(quick ? QUICK : FULL) };
  if (values.backlog) settings.backlog = settings.rssBacklog = settings.delayedMessages = positive('--backlog', values.backlog);
  if (values.duration) settings.durationS = positive('--duration', values.duration);
  return { quick, settings, keep: values.keep ?? false, cases: CASES.filter((c) => !only || only.includes(c.id)) };
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} wants a positive integer, not "${value}"`);
  return n;
}

/** Why a case cannot run on this checkout, or undefined when it can. */
function missingPrerequisite(benchCase: BenchCase): string | undefined {
  if (benchCase.needs.includes('gateway') && !isBuilt(GATEWAY_MAIN)) return 'skipped: apps/gateway is not built (npm run build)';
  if (benchCase.needs.includes('consumer') && !isBuilt(CONSUMER_MAIN)) return 'skipped: apps/consumer is not built (npm run build)';
  return undefined;
}

async function runCase(ctx: BenchContext, benchCase: BenchCase): Promise<Row[]> {
  const missing = missingPrerequisite(benchCase);
  if (missing) return benchCase.rows.map((r) => ({ ...errorRow(r.name, r.goal, missing), measured: 'skipped', verdict: 'skipped' as const }));
  const started = performance.now();
  ctx.log(`== ${benchCase.id}`);
  ctx.cleanup = createCleanup();
  try {
    return await benchCase.run(ctx);
  } catch (error) {
    ctx.log(`${benchCase.id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return benchCase.rows.map((r) => errorRow(r.name, r.goal, error));
  } finally {
    await ctx.cleanup.run();
    ctx.log(`== ${benchCase.id} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function main(): Promise<void> {
  const cli = parseCli();
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  await compileBaselines();
  const tmpDir = await mkdtemp(join(tmpdir(), 'mq-bench-'));
  const conn = await openConnection(amqpUrl);
  const began = performance.now();
  const { ctx, dispose, disposeNode } = createContext({
    quick: cli.quick,
    settings: cli.settings,
    amqpUrl,
    tmpDir,
    conn,
    log: (message) => process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1)}s] ${message}\n`),
  });
  // Ctrl-C, or SIGTERM from `npm run bench`'s wrapper: no server or private node left behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      void dispose().finally(() => process.exit(130));
    });
  }
  let rows: Row[];
  try {
    rows = await runCases(ctx, cli.cases, disposeNode);
  } finally {
    await dispose();
    await conn.close();
    killAll();
  }
  const report = [await describeMachine(ctx, (performance.now() - began) / 1000), '', renderTable(rows), ''].join('\n');
  process.stdout.write(report);
  const out = await writeReport(report, { quick: cli.quick, partial: cli.cases.length < CASES.length });
  ctx.log(`written to ${out}`);
  const failed = rows.some((r) => r.verdict === 'error');
  if (cli.keep || failed) ctx.log(`process logs kept in ${tmpDir}`);
  else await rm(tmpDir, { recursive: true, force: true });
  // A missed goal is a result; a row that could not be measured is a failure of the run.
  process.exitCode = failed ? 1 : 0;
}

/** Runs the cases in run order and returns their rows in table order. */
async function runCases(ctx: BenchContext, cases: BenchCase[], disposeNode: () => Promise<void>): Promise<Row[]> {
  const results = new Map<string, Row[]>();
  const lastNodeCase = cases.findLastIndex((c) => c.needs.includes('private-node'));
  for (const [i, benchCase] of cases.entries()) {
    results.set(benchCase.id, await runCase(ctx, benchCase));
    if (i === lastNodeCase) await disposeNode(); // an idle Erlang VM should not share the CPU with later rows
  }
  return TABLE_ORDER.flatMap((id) => results.get(id) ?? []);
}

/**
 * bench/results/<date>.md; `-quick` and `-partial` (an `--only` run) suffixes, so neither ever
 * overwrites a full run of the same day.
 */
async function writeReport(report: string, kind: { quick: boolean; partial: boolean }): Promise<string> {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const suffix = `${kind.quick ? '-quick' : ''}${kind.partial ? '-partial' : ''}`;
  const path = join(dir, `${new Date().toISOString().slice(0, 10)}${suffix}.md`);
  await writeFile(path, report);
  return path;
}

main().catch((error: unknown) => {
  killAll();
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
