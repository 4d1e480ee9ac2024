// `termsgate policy dry-run --data-dir`: replays calls recorded in a real file-backed audit log.
import t from 'tap';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditLog } from '../gateway/audit/open-audit-log.js';
import { run } from '../gateway/cli/policy.js';
import type { CallRecord } from '../gateway/core/contracts.js';
import { loadOrCreateSigningKeys } from '../gateway/signing/keys.js';

const rec = (id: string, team: string, model: string, provider: string, licence: string): CallRecord => ({
  decision_id: id, phase: 'completed', time: new Date().toISOString(), principal: { key_id: 'vk_1', team, project: 'p' },
  endpoint: 'chat.completions', provider, model, upstream_model: model, purpose: 'general', decision: 'allow', reasons: [],
  obligations: { watermark: true, content_logging: 'full', redactions: [] }, policy_revision: 'before', data_classes: [],
  request_digest: null, response_digest: null, usage: null, latency_ms: 1, status: 200, error: null, watermark_id: null,
  training_permit_id: null, licence, trainable: false,
});

t.test('dry-run over the audit log names the calls a candidate would deny', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tg-dry-audit-'));
  const log = await openAuditLog({
    dataDir,
    audit: { backend: 'file', origin: 'test/audit', checkpointIntervalMs: 60_000, syncIntervalMs: 5 },
    keys: loadOrCreateSigningKeys(dataDir),
  });
  for (const r of [rec('c1', 'ml-research', 'gpt-4o-mini', 'openai', 'openai-services-agreement'), rec('c2', 'demo', 'gpt-4o-mini', 'openai', 'openai-services-agreement')]) {
    const { durable } = await log.append(r);
    await durable;
  }
  await log.close();

  const candidate = await mkdtemp(join(tmpdir(), 'tg-dry-cand-'));
  await cp(join(import.meta.dirname, '..', 'policies'), candidate, { recursive: true });
  const company = join(candidate, 'data', 'company.json');
  const data = JSON.parse(await readFile(company, 'utf8'));
  data.company.teams['ml-research'].providers = ['vllm'];
  await writeFile(company, JSON.stringify(data, null, 2));

  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await run(['dry-run', '--candidate', candidate, '--data-dir', dataDir, '--json']);
  } finally {
    process.stdout.write = write;
  }
  t.equal(code, 0, out);
  const report = JSON.parse(out);
  t.equal(report.examined, 2);
  t.equal(report.changed, 1);
  t.equal(report.changes[0].decision_id, 'c1');
  t.same(report.changes[0].after.rules, ['access.provider_not_allowed']);
});
