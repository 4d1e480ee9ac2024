// Writes a realistic test sample for every gitleaks rule that applies to requests
// (gateway/classify/fixtures/gitleaks-samples.json): a string generated from the rule's own pattern
// (randexp), drawn again until the rule finds it (entropy above its threshold, no allowlist or
// stopword); random characters, never a live key. Existing samples are kept, so the fixture only grows
// when the pinned rule set does (scripts/update-gitleaks.sh).
// Usage: npx tsx scripts/gitleaks-samples.ts
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import RandExp from 'randexp';
import { gitleaksMatches, rules } from '../gateway/classify/gitleaks-rules.js';
import { packageRoot } from '../gateway/core/package-root.js';

const file = join(packageRoot, 'gateway/classify/fixtures/gitleaks-samples.json');
const samples: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
const missing: string[] = [];
for (const rule of rules) {
  if (samples[rule.id] && gitleaksMatches(samples[rule.id], rule.id).length > 0) continue;
  // randexp reads no named groups: they are plain groups for generating; white space is a plain space
  // (JavaScript's \s holds Unicode spaces RE2's does not).
  const gen = new RandExp(rule.pattern.source.replace(/\(\?<[A-Za-z0-9_]+>/g, '(').replace(/\\s/g, ' '));
  gen.max = 8;
  // Printable ASCII without the quote and backslash, so a sample reads plainly in JSON.
  gen.defaultRange.subtract(34, 34);
  gen.defaultRange.subtract(92, 92);
  let found = '';
  const keyword = rule.keywords[0] ?? '';
  for (let attempt = 0; attempt < 2000 && !found; attempt++) {
    // Every other draw names the rule's first keyword before the value, as a config line would (some
    // patterns do not spell their keyword: an Airtable token is `pat…`).
    const s = attempt % 2 === 0 ? gen.gen() : `${keyword}: ${gen.gen()}`;
    if (gitleaksMatches(s, rule.id).length > 0) found = s;
  }
  if (found) samples[rule.id] = found;
  else missing.push(rule.id);
}
const sorted = Object.fromEntries(Object.entries(samples).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(file, JSON.stringify(sorted, null, 1) + '\n');
console.log(`${Object.keys(sorted).length} samples; no sample generated for: ${missing.join(', ') || 'none'}`);
