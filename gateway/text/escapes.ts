// Text written as escapes: HTML numeric entities (`&#65;`, `&#x41;`), `\xHH`, `\uHHHH`, `\u{H…}`, octal
// `\NNN` (runs of at least three), and HTML's named references for ASCII punctuation. Read by the
// secret scan (a key so written) and by provenance detection (a restricted output so written); a
// reading's spans are placed on the escapes they came from. Written by hand: each is a few lines over
// a string, and a library for each would bring more than it does.
import { ReadingBuilder, type Transformed } from './substitutions.js';
import { stretchesAround } from './stretches.js';

// A backslash may be doubled: escapes written as text inside a JSON string held in JSON (tool call arguments).
// Octal escapes (`\163\153`, C's, Python's and shells'), three digits, are read too.
const ESCAPE = /&#(?:[0-9]{1,7}|[xX][0-9A-Fa-f]{1,6});?|\\{1,2}x[0-9A-Fa-f]{2}|\\{1,2}u\{[0-9A-Fa-f]{1,6}\}|\\{1,2}u[0-9A-Fa-f]{4}|\\{1,2}[0-3][0-7]{2}/g;
const OCTAL = /\\[0-3][0-7]{2}/;
/** Runs of at least three escapes, with at most a few characters between neighbours. */
/**
 * Whether the character at `at` is the letter of a line break or tab escape written as text (`\n`, `\t`,
 * `\r` in JSON text): a key after it stands apart from it, as after the break it stands for.
 */
export function isEscapeLetter(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return (c === 110 || c === 116 || c === 114) && text.charCodeAt(at - 1) === 92;
}

export function escapeRuns(text: string): Array<{ start: number; end: number; text: string }> {
  if (!text.includes('&#') && !text.includes('\\x') && !text.includes('\\u') && !(text.includes('\\') && OCTAL.test(text))) return [];
  const out: Array<{ start: number; end: number; text: string }> = [];
  let run: { start: number; end: number; count: number } | null = null;
  const flush = () => {
    if (run && run.count >= 3) out.push({ start: run.start, end: run.end, text: decodeEscapes(text.slice(run.start, run.end)) });
  };
  for (const m of text.matchAll(ESCAPE)) {
    const at = m.index!;
    if (run && at - run.end <= 4) {
      run.end = at + m[0].length;
      run.count++;
    } else {
      flush();
      run = { start: at, end: at + m[0].length, count: 1 };
    }
  }
  flush();
  return out;
}

function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (escape) => {
    const e = escape.replace(/^\\\\/, '\\');
    const hex = e.startsWith('&#x') || e.startsWith('&#X') ? e.slice(3).replace(';', '') : e.startsWith('\\x') ? e.slice(2) : e.startsWith('\\u{') ? e.slice(3, -1) : e.startsWith('\\u') ? e.slice(2) : null;
    const octal = hex === null && e[0] === '\\';
    const code = octal ? parseInt(e.slice(1), 8) : hex === null ? Number(e.slice(2).replace(';', '')) : parseInt(hex, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : escape;
  });
}

// HTML's named character references for printable ASCII and the hyphens (WHATWG's table, each spelling
// it lists): letters and digits have no names, so these are all the names a key's characters can be
// written as. Written out here because no package with the table (such as `entities`) is installed and
// this round adds no dependency.
const NAMED: Record<string, string> = {
  Tab: '\t', NewLine: '\n', nbsp: ' ', NonBreakingSpace: ' ', excl: '!', quot: '"', QUOT: '"', num: '#', dollar: '$', percnt: '%',
  amp: '&', AMP: '&', apos: "'", lpar: '(', rpar: ')', ast: '*', midast: '*', plus: '+', comma: ',', period: '.', sol: '/',
  colon: ':', semi: ';', lt: '<', LT: '<', equals: '=', gt: '>', GT: '>', quest: '?', commat: '@', lsqb: '[', lbrack: '[',
  bsol: '\\', rsqb: ']', rbrack: ']', Hat: '^', lowbar: '_', UnderBar: '_', grave: '`', DiacriticalGrave: '`', lcub: '{',
  lbrace: '{', verbar: '|', vert: '|', VerticalLine: '|', rcub: '}', rbrace: '}', hyphen: '-', dash: '-', minus: '-',
};
const NAMED_REFERENCE = /&([A-Za-z]{2,16});/g;

/** How far a reading of named references reaches past the first and last of a run: past any key written around one. */
const NAMED_REACH = 256;

/**
 * The stretches of the text around HTML's named references of the table, each read (numeric references beside
 * them too), one reading per stretch: none where it holds no named reference of the table. Only the stretches
 * are read, so a megabyte of code with one `&lt;` costs a reading of half a kilobyte, not of the megabyte.
 */
export function entityReadings(text: string): Transformed[] {
  if (!text.includes('&')) return [];
  return stretchesAround(text, NAMED_REFERENCE, NAMED_REACH, (m) => Object.hasOwn(NAMED, m[1])).map(([from, to]) => referencesRead(text, from, to));
}

function referencesRead(text: string, from: number, to: number): Transformed {
  const reading = new ReadingBuilder(text);
  const ANY_REFERENCE = /&(?:([A-Za-z]{2,16})|#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6}));/y;
  for (let i = from; i < to; ) {
    // Between references the text is copied a stretch at a time.
    const amp = text.indexOf('&', i);
    const next = amp < 0 || amp >= to ? to : amp;
    if (next > i) {
      reading.copy(i, next);
      i = next;
      continue;
    }
    ANY_REFERENCE.lastIndex = i;
    const m = ANY_REFERENCE.exec(text);
    const code = m === null ? -1 : m[1] !== undefined ? (Object.hasOwn(NAMED, m[1]) ? NAMED[m[1]].charCodeAt(0) : -1) : parseInt(m[2] ?? m[3], m[2] !== undefined ? 10 : 16);
    if (m !== null && code >= 0 && code <= 0x10ffff && i + m[0].length <= to) {
      reading.put(String.fromCodePoint(code), i);
      i += m[0].length;
    } else {
      reading.copy(i, i + 1);
      i++;
    }
  }
  return reading.done(to);
}

const ANY_ESCAPE = new RegExp(`${ESCAPE.source}|&([A-Za-z]{2,16});`, 'g');
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The whole text with every escape read (numeric entities, `\x`, `\u`, octal, and the named references
 * of the table), each character placed on the escape it came from; null unless at least three escapes
 * write a letter or digit (markup's `&amp;` and `&lt;` hide no words, and a reading costs a second scan).
 * A reader of prose (provenance) takes this rather than escapeRuns: digits and signs between escapes,
 * which part escapeRuns' runs, stay in place here.
 */
export function unescapedReading(text: string): Transformed | null {
  if (!text.includes('&') && !text.includes('\\')) return null;
  const reading = new ReadingBuilder(text);
  let last = 0;
  let count = 0;
  for (const m of text.matchAll(ANY_ESCAPE)) {
    const read = m[1] !== undefined ? (Object.hasOwn(NAMED, m[1]) ? NAMED[m[1]] : null) : decodeEscapes(m[0]);
    if (read === null || read === m[0]) continue;
    reading.copy(last, m.index);
    reading.put(read, m.index);
    last = m.index + m[0].length;
    if (LETTER_OR_DIGIT.test(read)) count++;
  }
  if (count < 3) return null;
  reading.copy(last, text.length);
  return reading.done();
}
