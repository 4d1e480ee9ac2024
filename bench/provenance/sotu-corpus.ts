// Real prose for the provenance evaluation and benchmarks: the thirteen US State of the Union
// addresses the mock provider answers with (gateway/mock-upstream/corpus/sotu.json, 1989–2000 and
// 2009), cut at sentence ends into output-sized passages.
import { speeches as corpusSpeeches, type Speech } from '../../gateway/mock-upstream/corpus.js';
import { rngFrom, type Rng } from '../../gateway/mock-upstream/rng.js';

export function speeches(): Speech[] {
  return corpusSpeeches();
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
