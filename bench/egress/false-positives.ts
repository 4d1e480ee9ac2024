// False positives and cost of request classification on real text that carries no secrets: this
// repository's own source (tests and fixtures left out: they plant secrets on purpose), a sample of its
// installed packages' sources, and the prose
// corpus the mock provider answers with (State of the Union addresses, gateway/mock-upstream/corpus/sotu.json),
// and generated legal and technical prose (clause, docket and part numbers, versions, dates, git remotes,
// IP addresses, ISBNs: bench/egress/legal-prose.ts). For each, the share of passages with a secret finding
// and with a finding of each personal-data class (a team refusing that class would refuse the passage).
// Usage: npx tsx bench/egress/false-positives.ts   — prints the figures for the README.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { speeches } from '../../gateway/mock-upstream/corpus.js';
import { scanBody } from '../../gateway/classify/body.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { packageFiles, sourceFiles } from './source-files.js';
import { legalProse } from './legal-prose.js';

const SOURCE_DIRS = ['gateway', 'telemetry', 'bench', 'policies', 'training-runner', 'charts', 'docker', 'scripts'];
const SOURCE_EXT = /\.(ts|py|rego|md|json|yaml|yml|sh|mjs|toml|txt)$/;
// Tests, fixtures, the chart's CI values, the detectors' own tables (the pattern table and its checks, and
// the lists of credential prefixes the spelt-out and scrambled readers start from, which read as a key once
// their literals are joined: built-strings.ts) and the vendored gitleaks rules (with their generator of
// samples) spell out secrets on purpose.
const PLANTED = /(\.test\.ts|_test\.rego|fixtures|classify\/(detectors|checks|spelt-keys|text-decoders|shifted-keys|ciphered-keys)\.ts|test_[^/]*\.py|gitleaks-samples\.ts|\.bench\.ts)$|\/tests?\/|\/fixtures\/|classify\/gitleaks\/|^charts\/termsgate\/ci\//;
const CHUNK = 1024;


/** ~1 KB passages cut at line or sentence ends. */
function chunks(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const part of text.split(/(?<=\n)|(?<=[.!?] )/)) {
    current += part;
    if (current.length >= CHUNK) {
      out.push(current);
      current = '';
    }
  }
  if (current.trim()) out.push(current);
  return out;
}

async function measure(name: string, passages: string[]) {
  let flagged = 0;
  const byClass: Record<string, number> = {};
  // Passages with at least one finding of the class (the secret classes as one).
  const passagesWith: Record<string, number> = { secret: 0, 'pii.email': 0, 'pii.phone': 0, 'pii.card': 0, 'pii.national_id': 0 };
  const examples: string[] = [];
  // CPU time, not wall time: the figure holds on a machine shared with other work.
  const cpu0 = process.cpuUsage();
  for (const text of passages) {
    const { findings, pieces } = await scanBody({ model: 'm', messages: [{ role: 'user', content: text }] }, { decodedBytes: 1 << 20 });
    const secrets = findings.filter((f) => f.dataClass.startsWith('secret.'));
    for (const f of findings) byClass[f.dataClass] = (byClass[f.dataClass] ?? 0) + 1;
    for (const c of new Set(findings.map((f) => (f.dataClass.startsWith('secret.') ? 'secret' : f.dataClass)))) passagesWith[c] = (passagesWith[c] ?? 0) + 1;
    if (secrets.length > 0) flagged++;
    for (const f of findings) {
      const s = f.spans[0];
      if (examples.length < 8) examples.push(`${f.dataClass} (${f.kind}): ${JSON.stringify(pieces[s.piece].text.slice(Math.max(0, s.start - 20), s.end + 20))}`);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const us = cpu.user + cpu.system;
  const kb = passages.reduce((n, p) => n + p.length, 0) / 1024;
  console.log(`${name}: ${passages.length} passages, ${kb.toFixed(0)} KB`);
  console.log(`  passages with a secret finding: ${flagged} (${((flagged / passages.length) * 100).toFixed(3)} %)`);
  console.log(`  findings by class (personal data included): ${JSON.stringify(byClass)}`);
  console.log(`  passages with a finding, by class: ${Object.entries(passagesWith).map(([c, n]) => `${c} ${n} (${((n / passages.length) * 100).toFixed(3)} %)`).join(', ')}`);
  console.log(`  cost: ${(us / kb).toFixed(1)} µs of CPU per KB (1 KB bodies)`);
  for (const e of examples) console.log(`  e.g. ${e}`);
}

const files = sourceFiles(packageRoot, SOURCE_EXT, PLANTED).filter((f) => SOURCE_DIRS.some((d) => relative(packageRoot, f).startsWith(d + '/')));
await measure(`source tree (${files.length} files)`, files.flatMap((f) => chunks(readFileSync(f, 'utf8'))));
// Installed packages' sources (issue 23 names them beside the project's own): a sample of about 1,500
// files of the Node dependencies and, where `make setup` made it, of the training runner's Python ones.
// Their documentation's example credentials (a database URL with user and password in pydantic's docs)
// count as false positives too.
const nodeFiles = packageFiles(join(packageRoot, 'node_modules'), /\.(js|mjs|cjs|ts|md)$/, 1500);
await measure(`installed Node packages (node_modules, ${nodeFiles.length} files sampled)`, nodeFiles.flatMap((f) => chunks(readFileSync(f, 'utf8'))));
const venv = join(packageRoot, 'training-runner', '.venv', 'lib');
if (existsSync(venv)) {
  const pyFiles = readdirSync(venv).flatMap((py) => packageFiles(join(venv, py, 'site-packages'), /\.(py|md|txt)$/, 1500));
  await measure(`installed Python packages (training-runner/.venv, ${pyFiles.length} files sampled)`, pyFiles.flatMap((f) => chunks(readFileSync(f, 'utf8'))));
}
const prose = speeches().map((s) => s.text).join('\n');
await measure('prose (State of the Union, 1989–2000 and 2009)', chunks(prose));
// Enough passages that one in a thousand is three of them.
await measure('legal and technical prose (generated, bench/egress/legal-prose.ts)', legalProse(5000));

// One large prompt, as the worker pool sees it (the ~480 KB corpus repeated to 4 MB).
const big = prose.repeat(Math.ceil((4 * 1024 * 1024) / prose.length)).slice(0, 4 * 1024 * 1024);
const cpu0 = process.cpuUsage();
await scanBody({ model: 'm', messages: [{ role: 'user', content: big }] }, { decodedBytes: 8 << 20 });
const cpu = process.cpuUsage(cpu0);
console.log(`one 4 MB prompt: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of CPU (${((cpu.user + cpu.system) / 4096).toFixed(1)} µs per KB)`);
