// The catalogue diff in words: one sentence per changed field, nothing for identical versions.
import t from 'tap';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogueTable, describeCatalogueChanges } from './catalogue-diff.js';
import type { Catalogue } from './catalogue-schema.js';

const root = join(import.meta.dirname, '..', '..', '..');
const shipped = JSON.parse(await readFile(join(root, 'policies', 'data', 'licences.json'), 'utf8')) as Catalogue;
const copy = (): Catalogue => structuredClone(shipped);

t.test('identical versions have no differences', async (t) => {
  t.same(describeCatalogueChanges(shipped, copy()), []);
});

t.test('each kind of change is one sentence a lawyer can read', async (t) => {
  const after = copy();
  after.licences['qwen2.5-7b-instruct'].training = 'non-commercial';
  after.licences['deepseek-v3'].restrictions.forbidden_deployment_purposes.push('commercial');
  after.licences['deepseek-v3'].clauses[1].text = 'Changed wording.';
  after.licences['gemma-3-12b-it'].checked.on = '2026-11-30';
  after.licences['llama-3.1-8b-instruct'].duties.pop();
  delete after.licences['gpt-oss-20b'];
  after.licences['new-entry'] = { ...structuredClone(shipped.licences['deepseek-r1']), subject: { kind: 'checkpoint', model_id: 'org/model', revision: 'abcdef1' } };
  after.catalogue.reviewed_on = '2026-11-30';
  const sentences = describeCatalogueChanges(shipped, after);
  t.same(sentences, [
    `The catalogue's review date changed from "${shipped.catalogue.reviewed_on}" to "2026-11-30".`,
    'Entry "deepseek-v3": quoted clause 2 (section "5. Use-based restrictions") now reads "Changed wording."; it read "The restrictions set forth in Attachment A are considered Use-based restrictions. Therefore You cannot use the Model and the Derivatives of the Model for the specified restricted uses.".',
    'Entry "deepseek-v3": a model trained on its outputs may no longer be deployed for commercial.',
    `Entry "gemma-3-12b-it": checked on changed from "${shipped.licences['gemma-3-12b-it'].checked.on}" to "2026-11-30".`,
    'Entry "gpt-oss-20b" removed: Apache License 2.0, with the gpt-oss usage policy for checkpoint openai/gpt-oss-20b (revision 6cee5e8); calls routed to it are no longer trainable.',
    `Entry "llama-3.1-8b-instruct": duty removed: notice, when the model is distributed: "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.".`,
    'Entry "new-entry" added: MIT License (DeepSeek-R1 repository and weights) (README section 7, License) for checkpoint org/model (revision abcdef1), training class "free", checked on 2026-12-01.',
    'Entry "qwen2.5-7b-instruct": training class changed from "free" to "non-commercial".',
  ]);
});

t.test('a subject, a duty and a restriction changing are each named', async (t) => {
  const after = copy();
  after.licences['qwen2.5-3b-instruct'].subject = { kind: 'checkpoint', model_id: 'Qwen/Qwen2.5-3B-Instruct', revision: 'aa5f1e3' };
  after.licences['qwen2.5-3b-instruct'].restrictions.forbidden_deployment_purposes = [];
  after.licences['qwen2.5-3b-instruct'].restrictions.use_restrictions.push('No use in medical devices.');
  after.licences['qwen2.5-3b-instruct'].duties.push({ kind: 'naming', text: 'Begin the name with Qwen', prefix: 'Qwen', trigger: 'distribution-or-made-available' });
  const text = describeCatalogueChanges(shipped, after).join('\n');
  t.match(text, /now covers checkpoint Qwen\/Qwen2.5-3B-Instruct \(revision aa5f1e3\) instead of checkpoint Qwen\/Qwen2.5-3B-Instruct \(any revision\)/);
  t.match(text, /may again be deployed for commercial/);
  t.match(text, /inherited use restriction added: "No use in medical devices."/);
  t.match(text, /duty added: naming \(name prefix "Qwen"\), when the model or a product built on it is distributed or made available/);
});

// Any single field of any entry set to a new value is reported, naming the entry; reverting it reports nothing.
t.test('property: every edit to an entry field is reported, and only then', async (t) => {
  const ids = Object.keys(shipped.licences);
  const fields = ['agreement.name', 'agreement.version', 'url', 'notes', 'checked.source', 'checked.how', 'training', 'clause.text', 'clause.section'] as const;
  fc.assert(
    fc.property(fc.constantFrom(...ids), fc.constantFrom(...fields), fc.string({ minLength: 1, maxLength: 40 }), (id, field, value) => {
      const after = copy();
      const e = after.licences[id] as unknown as Record<string, Record<string, unknown>> & { clauses: Array<Record<string, string>> };
      const [head, tail] = field.split('.');
      if (field.startsWith('clause.')) {
        if (e.clauses.length === 0) return true;
        e.clauses[0][tail] = value;
      } else if (tail) e[head][tail] = value;
      else (e as unknown as Record<string, unknown>)[head] = value;
      const sentences = describeCatalogueChanges(shipped, after);
      const changed = JSON.stringify(after) !== JSON.stringify(shipped);
      return changed ? sentences.length > 0 && sentences.every((s) => s.includes(`"${id}"`)) : sentences.length === 0;
    }),
  );
});

t.test('the table has one row per entry with its class and check date', async (t) => {
  const table = catalogueTable(shipped).split('\n');
  t.equal(table.length, Object.keys(shipped.licences).length + 2);
  t.match(table.find((r) => r.startsWith('| `deepseek-v3`')), /\| derivatives-inherit \| .*student may not be deployed for military, automated-legal-decisions \| 2026-12-01 \| repository-file: deepseek-ai\/DeepSeek-V3@/);
  t.match(table.find((r) => r.startsWith('| `gpt-oss-20b`')), /\| openai\/gpt-oss-20b @ 6cee5e8 \| .* \| 2025-08-05 \| free \|/);
  t.match(table.find((r) => r.startsWith('| `c4ai-command-r-v01`')), /@ 80d6b085dbccc9285fcd8d00aa8859dca1ca92a4 \(also CohereForAI\/c4ai-command-r-v01\)/);
  t.match(table.find((r) => r.startsWith('| `llama-4-scout-17b-16e-instruct`')), /no licence for a licensee in EU/);
  t.match(table.find((r) => r.startsWith('| `llama-3.1-8b-instruct`')), /@ unpinned; on bedrock as meta\.llama3-1-8b-instruct-v1:0/);
  t.match(table.find((r) => r.startsWith('| `aws-bedrock-service-terms`')), /\| every bedrock provider \(aws, business\) \| .* \| never \| none \| 2026-12-04 \| not-found: /);
});

t.test("a cloud's coverage changing is named", async (t) => {
  const after = copy();
  (after.licences['llama-3.1-8b-instruct'].subject as { hosted?: Record<string, string[]> }).hosted = { bedrock: ['meta.llama3-1-8b-instruct-v2:0'] };
  (after.licences['azure-openai-product-terms'].subject as { provider_kind?: string }).provider_kind = undefined;
  const text = describeCatalogueChanges(shipped, after).join('\n');
  t.match(text, /"llama-3.1-8b-instruct": now covers checkpoint meta-llama\/Llama-3.1-8B-Instruct \(any revision\), served on bedrock as meta.llama3-1-8b-instruct-v2:0 instead of/);
  t.match(text, /"azure-openai-product-terms": now covers the microsoft API under its business terms instead of every azure-openai provider, under microsoft's business terms/);
});

t.test('licensee conditions, allowances, aliases, release dates and governing law changing are each named', async (t) => {
  const after = copy();
  after.licences['qwen2.5-72b-instruct'].licensee_conditions![0].monthly_active_users = 50_000_000;
  delete after.licences['openai-services-agreement'].allowances;
  const cmd = after.licences['c4ai-command-r-v01'].subject as { aliases?: string[] };
  cmd.aliases = [];
  const oss = after.licences['gpt-oss-20b'].subject as { released?: string };
  oss.released = '2025-08-06';
  after.licences['qwen2.5-72b-instruct'].agreement.governing_law = 'Singapore';
  const text = describeCatalogueChanges(shipped, after).join('\n');
  t.match(text, /"qwen2.5-72b-instruct": licensee condition added: a licensee with more than 50000000 monthly active users is not covered \(clause 2\)/);
  t.match(text, /"qwen2.5-72b-instruct": licensee condition removed: a licensee with more than 100000000 monthly active users/);
  t.match(text, /"openai-services-agreement": allowance "permitted-exception" \(clause 2\) for purposes classifier-training, provider-fine-tuning, the student not deployed for third-party-distribution: .* removed/);
  t.match(text, /"c4ai-command-r-v01": now covers checkpoint CohereLabs\/c4ai-command-r-v01 \(revision 80d6b08[0-9a-f]*\) instead of .*also published as CohereForAI\/c4ai-command-r-v01/);
  t.match(text, /"gpt-oss-20b": release date of the checkpoint changed from "2025-08-05" to "2025-08-06"/);
  t.match(text, /"qwen2.5-72b-instruct": governing law changed from "China/);
});

t.test('the README table is the catalogue as shipped', async (t) => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  t.ok(readme.includes(catalogueTable(shipped)), 'README.md "Terms catalogue" lists every entry as in policies/data/licences.json');
});
