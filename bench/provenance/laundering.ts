// The ways an insider launders a restricted output before it reaches training (issue 12): a genuine
// mark of a permitted output moved into it, a permitted output appended to it, look-alike letters,
// invisible code points inside words, and the text carried in a chat record's prompt history.
import { feedDocument } from '../../gateway/training/admission.js';
import { selectorRunsAt } from '../../gateway/watermark/variation-selectors.js';
import { stripInvisible } from '../../gateway/provenance/watermark-reader.js';
import type { Rng } from './sotu-corpus.js';

const LOOK_ALIKES: Record<string, string> = { a: 'а', c: 'с', e: 'е', i: 'і', o: 'о', p: 'р', x: 'х', y: 'у', A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', M: 'М', O: 'О', P: 'Р', T: 'Т' };
const INVISIBLE = ['\u034f', '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\u2063', '\ufeff', '\u{e0020}'];

/** The first complete mark (a run of variation selectors) in a marked text. */
export function firstMark(marked: string): string {
  const run = selectorRunsAt(marked)[0];
  return run ? marked.slice(run.start, run.end) : '';
}

/** Stripped restricted text with a genuine mark of a permitted output inserted after a random word. */
export function transplant(restricted: string, permittedMarked: string, rng: Rng): string {
  const words = stripInvisible(restricted).split(' ');
  const at = Math.floor(rng() * words.length);
  words[at] += firstMark(permittedMarked);
  return words.join(' ');
}

/** Stripped restricted text followed by an untouched permitted output. */
export function concatenate(restricted: string, permittedMarked: string): string {
  return `${stripInvisible(restricted)}\n\n${permittedMarked}`;
}

/** Stripped text with look-alike letters (Cyrillic, Ukrainian) in about half of the words. */
export function homoglyphs(text: string, rng: Rng): string {
  return stripInvisible(text)
    .split(' ')
    .map((w) => (rng() < 0.5 ? [...w].map((c) => LOOK_ALIKES[c] ?? c).join('') : w))
    .join(' ');
}

/** Stripped text with an invisible (default-ignorable) code point inside about half of the words. */
export function ignorables(text: string, rng: Rng): string {
  return stripInvisible(text)
    .split(' ')
    .map((w) => {
      if (w.length < 2 || rng() >= 0.5) return w;
      const at = 1 + Math.floor(rng() * (w.length - 1));
      return w.slice(0, at) + INVISIBLE[Math.floor(rng() * INVISIBLE.length)] + w.slice(at);
    })
    .join(' ');
}

/** The document a feed record would carry when the restricted text rides as an earlier assistant turn. */
export function promptHistory(restricted: string, permittedMarked: string): string {
  const messages = [
    { role: 'user', content: 'Improve this answer.' },
    { role: 'assistant', content: stripInvisible(restricted) },
    { role: 'user', content: 'Now write it again in your own words.' },
  ];
  return feedDocument(messages, permittedMarked);
}
