// The prose the mock answers with: real English from thirteen US State of the Union addresses
// (1989–2000 and 2009; public domain), shipped in the repository as corpus/sotu.json (see
// corpus/README.md). The provenance tests and benchmarks read the same file. Parsed once per process.
import addresses from './corpus/sotu.json' with { type: 'json' };
import { splitSentences } from './sentences.js';

export interface Speech {
  year: number;
  name: string;
  party: string;
  text: string;
}

const all: readonly Speech[] = Object.freeze(addresses as Speech[]);

/** The addresses, oldest first; optionally only those of one year or a range of years (inclusive). */
export function speeches(filter: { year?: number; range?: [number, number] } = {}): Speech[] {
  return all.filter(
    (s) => (filter.year === undefined || s.year === filter.year) && (filter.range === undefined || (s.year >= filter.range[0] && s.year <= filter.range[1])),
  );
}

let sentences: readonly string[] | undefined;

export function corpusSentences(): readonly string[] {
  sentences ??= Object.freeze(splitSentences(all.map((s) => s.text).join('\n')));
  return sentences;
}
