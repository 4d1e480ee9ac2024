// `termsgate policy …`: exit codes and what it prints, on the shipped policies and on broken copies.
import t from 'tap';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '../core/contracts.js';
import { run } from './policy.js';

const policies = join(import.meta.dirname, '..', '..', 'policies');

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await run(args), out };
  } finally {
    process.stdout.write = write;
  }
}

async function copy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-cli-'));
  await cp(policies, dir, { recursive: true });
  return dir;
}

t.test('check, test and build pass on the shipped policies', async (t) => {
  t.equal((await cli(['check', policies])).code, 0);
  const test = await cli(['test', policies]);
  t.equal(test.code, 0);
  t.match(test.out, /coverage \d+(\.\d)?% \(threshold 90%\)/);
  const out = join(await mkdtemp(join(tmpdir(), 'tg-cli-out-')), 'bundle.tar.gz');
  const build = await cli(['build', policies, '--out', out]);
  t.equal(build.code, 0);
  t.ok(existsSync(out));
  t.match(build.out, /revision [0-9a-f]{16}/);
});

t.test('failures exit non-zero: unformatted, failing test, coverage below threshold, usage', async (t) => {
  const unformatted = await copy();
  const f = join(unformatted, 'request', 'secrets.rego');
  await writeFile(f, (await readFile(f, 'utf8')).replace(/\t/g, '    '));
  const fmt = await cli(['check', unformatted]);
  t.equal(fmt.code, 1);
  t.match(fmt.out, /FAIL fmt/);

  const failing = await copy();
  const g = join(failing, 'request', 'secrets_test.rego');
  await writeFile(g, (await readFile(g, 'utf8')).replace('d.obligations.content_logging == "digest"', 'd.obligations.content_logging == "full"'));
  const test = await cli(['test', failing]);
  t.equal(test.code, 1);
  t.match(test.out, /FAIL test/);

  const uncovered = await copy();
  await writeFile(join(uncovered, 'extra.rego'), 'package termsgate.extra\n\na if input.x == 1\n\nb if input.y == 2\n\nc if input.z == 3\n\nd if input.w == 4\n');
  const cov = await cli(['test', uncovered, '--threshold', '100']);
  t.equal(cov.code, 1);
  t.match(cov.out, /threshold 100%/);

  t.equal((await cli(['frobnicate'])).code, 2);
  t.equal((await cli(['dry-run'])).code, 2);
});

t.test('dry-run reports the decisions a candidate would change', async (t) => {
  const rec = (id: string, model: string, licence: string, provider: string): CallRecord => ({
    decision_id: id, phase: 'completed', time: '2026-11-28T12:00:00Z', principal: { key_id: 'vk_1', team: 'ml-research', project: 'demo' },
    endpoint: 'chat.completions', provider, model, upstream_model: model === 'deepseek-r1' ? 'deepseek-ai/DeepSeek-R1' : model, purpose: 'general', decision: 'allow', reasons: [],
    obligations: null, policy_revision: 'x', data_classes: [], request_digest: null, response_digest: null, usage: null, latency_ms: 1,
    status: 200, error: null, watermark_id: null, training_permit_id: null, licence, trainable: licence === 'deepseek-r1',
  });
  const file = join(await mkdtemp(join(tmpdir(), 'tg-cli-rec-')), 'records.jsonl');
  await writeFile(file, [rec('a', 'deepseek-r1', 'deepseek-r1', 'vllm'), rec('b', 'gpt-4o-mini', 'openai-services-agreement', 'openai')].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const candidate = await copy();
  const company = join(candidate, 'data', 'company.json');
  const data = JSON.parse(await readFile(company, 'utf8'));
  data.company.teams['ml-research'].providers = ['vllm'];
  await writeFile(company, JSON.stringify(data, null, 2));
  const r = await cli(['dry-run', '--candidate', candidate, '--records', file, '--last', '10']);
  t.equal(r.code, 0, r.out);
  t.match(r.out, /2 calls re-decided, 1 would change/);
  t.match(r.out, /b .*model=gpt-4o-mini.*allow → deny \(access\.provider_not_allowed\)/);
});
