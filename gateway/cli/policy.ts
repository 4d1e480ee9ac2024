// `termsgate policy check|test|build [DIR]` and `termsgate policy dry-run --candidate DIR [--last N] [--data-dir DIR]`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { iterateRecords } from '../audit/file/reader.js';
import { loadEngine, unpackBundle } from '../policy/bundle.js';
import { compareDecisions, lastCalls } from '../policy/dry-run/dry-run.js';
import { recordsFromJsonl } from '../policy/dry-run/records-file.js';
import { DEFAULT_COVERAGE_THRESHOLD, validateDir } from '../policy/toolchain/steps.js';
import type { BuildReport, StepName } from '../policy/toolchain/report.js';

const usage = `usage: termsgate policy check|test|build [DIR] [--threshold PCT] [--out FILE]
       termsgate policy dry-run --candidate DIR [--last N] [--data-dir DIR | --records FILE.jsonl] [--json]`;

function printReport(report: BuildReport): void {
  for (const s of report.steps) {
    process.stdout.write(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step}\n`);
    if (!s.ok || s.step === 'test') process.stdout.write(s.output.replace(/^/gm, '     ') + '\n');
  }
  process.stdout.write(`revision ${report.revision}${report.bundle ? ` bundle ${report.bundle}` : ''}\n`);
}

async function dryRun(values: Record<string, string | boolean | undefined>): Promise<number> {
  const candidate = values.candidate;
  if (typeof candidate !== 'string') {
    process.stderr.write(usage + '\n');
    return 2;
  }
  const last = Number(values.last ?? 1000);
  const scratch = await mkdtemp(join(tmpdir(), 'termsgate-dry-run-'));
  try {
    const report = await validateDir(resolve(candidate), { out: join(scratch, 'bundle.tar.gz') });
    if (!report.ok) {
      printReport(report);
      return 1;
    }
    await unpackBundle(scratch);
    const engine = await loadEngine(scratch, report.revision);
    const records = typeof values.records === 'string' ? recordsFromJsonl(values.records) : iterateRecords(String(values['data-dir'] ?? './data'));
    const result = compareDecisions(await lastCalls(records, last), engine);
    result.revision = report.revision;
    if (values.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    } else {
      process.stdout.write(`candidate ${result.revision}: ${result.examined} calls re-decided, ${result.changed} would change, ${result.skipped} skipped, ${result.errors.length} errors\n`);
      for (const c of result.changes) {
        const b = `${c.before.decision}${c.before.decision === 'allow' ? (c.before.trainable ? '+trainable' : '') : ''}`;
        const a = `${c.after.decision}${c.after.decision === 'allow' ? (c.after.trainable ? '+trainable' : '') : ` (${c.after.rules.join(', ')})`}`;
        process.stdout.write(`  ${c.decision_id} ${c.time} team=${c.team} model=${c.model} purpose=${c.purpose}: ${b} → ${a}\n`);
      }
      for (const e of result.errors) process.stdout.write(`  ${e.decision_id}: error ${e.error}\n`);
    }
    return result.errors.length ? 1 : 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        candidate: { type: 'string' },
        last: { type: 'string' },
        'data-dir': { type: 'string' },
        records: { type: 'string' },
        json: { type: 'boolean' },
        threshold: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const [sub, dirArg] = parsed.positionals;
  if (sub === 'dry-run') return dryRun(parsed.values);
  const upTo: Record<string, StepName> = { check: 'check', test: 'test', build: 'build' };
  if (!sub || !upTo[sub]) {
    process.stderr.write(usage + '\n');
    return 2;
  }
  const dir = resolve(dirArg ?? './policies');
  const threshold = parsed.values.threshold ? Number(parsed.values.threshold) : DEFAULT_COVERAGE_THRESHOLD;
  const out = sub === 'build' ? resolve(parsed.values.out ?? 'dist/policy/bundle.tar.gz') : undefined;
  const report = await validateDir(dir, { out, threshold, upTo: upTo[sub] });
  printReport(report);
  return report.ok ? 0 : 1;
}
