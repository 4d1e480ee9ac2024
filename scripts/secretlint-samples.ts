// Writes the samples of secretlint's recommended preset (gateway/classify/fixtures/secretlint-samples.json):
// the texts its own tests say must be found (`test/snapshots/*/ng.*/input.*` of the preset in a secretlint
// checkout, MIT), each with the spans the installed preset finds in it. The request path no longer runs the
// preset (its per-call cost); gateway/classify/secretlint-coverage.test.ts proves that what runs instead finds
// a secret at every one of these spans. Rerun when the preset is upgraded.
// Usage: npx tsx scripts/secretlint-samples.ts <secretlint checkout>
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { packageRoot } from '../gateway/core/package-root.js';

interface Rule {
  meta: { id: string; type?: string };
  create(context: unknown, options: unknown): { file?(source: unknown): void | Promise<void> };
}
const found: Array<{ ruleId: string; start: number; end: number }> = [];
const handlers: Array<{ id: string; file: (source: unknown) => unknown }> = [];
(recommended as unknown as Rule).create(
  {
    sharedOptions: {},
    registerRule(rule: Rule) {
      // The filter-comments rule lets the scanned text switch detection off: never used on requests.
      if (rule.meta.type === 'filter' || rule.meta.id.endsWith('filter-comments')) return;
      const id = rule.meta.id;
      const handler = rule.create(
        {
          sharedOptions: {},
          createTranslator: () => (messageId: string) => ({ message: messageId, messageId }),
          report: (d: { range: [number, number] }) => found.push({ ruleId: id, start: d.range[0], end: d.range[1] }),
          ignore() {},
        },
        {},
      );
      if (handler.file) handlers.push({ id, file: handler.file.bind(handler) });
    },
  },
  [],
);

const checkout = process.argv[2];
if (!checkout) throw new Error('usage: npx tsx scripts/secretlint-samples.ts <secretlint checkout>');
const snapshots = join(checkout, 'packages/@secretlint/secretlint-rule-preset-recommend/test/snapshots');
const version: string = createRequire(import.meta.url)('@secretlint/secretlint-rule-preset-recommend/package.json').version;
const samples: Array<{ rule: string; name: string; text: string; spans: Array<[number, number]> }> = [];
for (const rule of readdirSync(snapshots).sort()) {
  for (const name of readdirSync(join(snapshots, rule)).filter((n) => n.startsWith('ng.')).sort()) {
    const file = readdirSync(join(snapshots, rule, name)).find((f) => f.startsWith('input.'));
    if (!file) continue;
    const bytes = readFileSync(join(snapshots, rule, name, file));
    // Text only: a request carries text (the preset's PKCS#12 files are binary).
    const text = bytes.toString('utf8');
    if (text.includes('\uFFFD')) continue;
    found.length = 0;
    for (const h of handlers) h.file({ content: text, filePath: file, ext: file.slice(file.lastIndexOf('.')), contentType: 'text' });
    // Only what the installed version finds: the checkout may be newer or older than the package.
    if (found.length === 0) continue;
    const spans = [...new Set(found.map((f) => `${f.start},${f.end}`))].map((s) => s.split(',').map(Number) as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    samples.push({ rule, name, text, spans });
  }
}
const out = { source: '@secretlint/secretlint-rule-preset-recommend test/snapshots (MIT)', version, samples };
writeFileSync(join(packageRoot, 'gateway/classify/fixtures/secretlint-samples.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`${samples.length} samples from ${new Set(samples.map((s) => s.rule)).size} rules, preset ${version}`);
