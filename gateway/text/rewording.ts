// Cheap rewordings undone before fingerprints (issue 22, #5): markup between words, words hyphenated
// or broken across lines, camelCase joins, look-alike digits and symbols inside words. Each step is
// one linear pass (bounded quantifiers, no backtracking), and the text-level steps keep the text's
// length so that word offsets still point into the text as given. Applied identically when
// remembering and when detecting. Hand-written: no library undoes these obfuscations.

// An HTML/XML tag (bounded, one line) or a character entity: blanked, so markup between words
// neither joins nor adds words.
const TAG = /<\/?[A-Za-z][^<>\n]{0,256}>|<!--[^<>]{0,256}-->|&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/g;
// A word broken at a line end with a hyphen: "light-\nhouse" (bounded runs, so no quadratic backtracking).
const LINE_BREAK_HYPHEN = /(?<!\p{L})(\p{L}{1,64})[-\u2010\u2011][ \t]{0,8}\r?\n[ \t]{0,8}(\p{L}{1,64})/gu;

/** The text with markup blanked and line-end hyphenation joined, at the same length (the word moves left, spaces pad its end). */
export function unwrapText(text: string): string {
  const out = text.replace(TAG, (m) => ' '.repeat(m.length));
  if (!out.includes('\n')) return out;
  return out.replace(LINE_BREAK_HYPHEN, (m, before: string, after: string) => before + after + ' '.repeat(m.length - before.length - after.length));
}

const CAMEL = /(?<=\p{Ll})(?=\p{Lu})/gu;
const INNER_HYPHEN = /(?<=[\p{L}\p{N}])[-\u2010\u2011](?=[\p{L}\p{N}])/gu;
const HAS_LETTER = /\p{L}/u;
const LOOK_ALIKE = /[0-9@$]/g;
const LOOK_ALIKES: Record<string, string> = { '0': 'o', '1': 'l', '2': 'z', '3': 'e', '4': 'a', '5': 's', '6': 'g', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's' };

/**
 * One token before fingerprint normalisation: camelCase split into words ("theLampKeeper"), hyphens
 * inside a word removed ("light-house"), and in a token that holds a letter, look-alike digits and
 * symbols read as the letters they stand for ("l1ght h0us3", "p@ss"); a number alone stays a number.
 */
export function untangleToken(token: string): string {
  let out = token.replace(CAMEL, ' ').replace(INNER_HYPHEN, '');
  if (HAS_LETTER.test(out)) out = out.replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]);
  return out;
}
