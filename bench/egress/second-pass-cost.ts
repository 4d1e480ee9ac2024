// Cost of what issue 23 added to classification, each part alone, in µs of CPU per KB at the median over
// 1 KB and 64 KB passages of prose (the mock provider's corpus) and code (this repository's TypeScript):
// gitleaks' rules (keyword pass and the rules it picks), the new text decoders (ROT13/reversal signs,
// escapes, base32), the named-reference reading and the spelt readings of spaced runs, the detectors of disguised personal data (the spelt-out card words' pass, and the number
// detectors' pass, which reads cards with any separator, SSNs, national ids and phones), the whole scan for scale (one string, and the same text as eight turns), and a bare read of the text to calibrate a loaded machine. Usage: npx tsx bench/egress/second-pass-cost.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { speeches } from '../../gateway/mock-upstream/corpus.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { sourceFiles } from './source-files.js';
import { gitleaksMatches } from '../../gateway/classify/gitleaks-rules.js';
import { unscrambled } from '../../gateway/classify/text-decoders.js';
import { entityReadings, escapeRuns } from '../../gateway/text/escapes.js';
import { spacedRunsNearPrefixes, spelt } from '../../gateway/classify/spelt-keys.js';
import { base32Runs, DecodeBudget } from '../../gateway/text/encoded-runs.js';
import { builtStringRuns, markupReadings } from '../../gateway/classify/built-strings.js';
import { scanBody } from '../../gateway/classify/body.js';
import { groups, wordStarts } from '../../gateway/classify/classify.js';
import { detectors } from '../../gateway/classify/detectors.js';

/** One detector group alone over a text: its candidate starts, and its patterns tried at each. */
function groupOf(name: string): (text: string) => number {
  const g = groups.find((x) => x.members.some((i) => detectors[i].name === name))!;
  return (text) => {
    // Only the groups whose starts come from the shared keyword pass pay for it (that pass also finds the
    // detector table's fixed starts and the ROT13/reversal signs).
    const words = g.members.some((i) => detectors[i].name === 'cardNumberWords') ? wordStarts(text) : { fixed: [], digitWords: [], signs: [], letterWords: [] };
    const next = g.starts(text, words);
    let hits = 0;
    for (let at = next(0); at >= 0; at = next(at + 1)) {
      g.anchored.lastIndex = at;
      if (g.anchored.exec(text) !== null) hits++;
    }
    return hits;
  };
}

const PLANTED = /(\.test\.ts|fixtures|classify\/(detectors|checks)\.ts)$|classify\/gitleaks\//;
const corpora = {
  prose: speeches().map((s) => s.text).join('\n'),
  code: sourceFiles(join(packageRoot, 'gateway'), /\.ts$/, PLANTED).map((f) => readFileSync(f, 'utf8')).join('\n'),
};
const parts: Record<string, (text: string) => unknown> = {
  // Calibration: one read of every character, the least any pass can cost on this machine under its load.
  'a bare read of the text': (text) => {
    let x = 0;
    for (let i = 0; i < text.length; i++) x += text.charCodeAt(i);
    return x;
  },
  'gitleaks rules': (text) => gitleaksMatches(text),
  'decoders (ROT13/reversal, escapes, base32)': (text) => [unscrambled(text), escapeRuns(text), base32Runs(text, new DecodeBudget(1 << 20))],
  'spelt-out card numbers (word pass and pattern)': groupOf('cardNumberWords'),
  'numbers: cards with any separator, SSN, NINO, Aadhaar, national ids, phone': groupOf('cardNumber'),
  'named references (a search for & and a known name; the stretches around them read)': (text) => entityReadings(text),
  'spaced runs near a spread-out prefix, each read both ways': (text) => spacedRunsNearPrefixes(text).map((r) => spelt(r.text)),
  'strings built as code and markup build them (literals joined, character codes, dense tags)': (text) => [builtStringRuns(text), markupReadings(text)],
  'whole scan': (text) => scanBody({ messages: [{ role: 'user', content: text }] }, { decodedBytes: 1 << 20 }),
  // The same text as eight turns: the windows between neighbours and the edge runs joined up to eight strings apart.
  'whole scan, the text as eight turns': (text) => {
    const turn = Math.ceil(text.length / 8);
    const messages = Array.from({ length: 8 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: text.slice(i * turn, (i + 1) * turn) }));
    return scanBody({ messages }, { decodedBytes: 1 << 20 });
  },
};

function cpuUs(f: () => unknown): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return d.user + d.system;
}

console.log('| part | text | size | p50 µs/KB | p90 µs/KB |');
console.log('|---|---|---:|---:|---:|');
for (const [part, run] of Object.entries(parts)) {
  for (const [name, corpus] of Object.entries(corpora)) {
    for (const [label, size, count] of [['1 KB', 1024, 300], ['64 KB', 65_536, 20]] as const) {
      const xs: number[] = [];
      for (let i = 0; i < count + 5; i++) {
        const start = (i * 7919 * 131) % (corpus.length - size);
        const text = corpus.slice(start, start + size);
        const us = cpuUs(() => run(text));
        if (i >= 5) xs.push(us / (size / 1024));
      }
      xs.sort((a, b) => a - b);
      console.log(`| ${part} | ${name} | ${label} | ${xs[xs.length >> 1].toFixed(1)} | ${xs[Math.floor(xs.length * 0.9)].toFixed(1)} |`);
    }
  }
}
