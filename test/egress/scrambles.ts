// The disguises of issue 23 (#4) a caller can put on a key as text: ROT13, reversal, keys typed one to the
// side, escapes written as text, base32, binary, compression inside base64, base64 nested three deep.
// Shared by the unit test of the decoders (gateway/classify/text-decoders.test.ts) and the capture-server
// test (decoded-disguises.test.ts).
import { gzipSync, deflateSync } from 'node:zlib';
import { atbash, caesar, keysLeft, keysRight, rot13, rot47, reversed } from '../../gateway/text/substitutions.js';
import { SPOKEN_DIGITS, SPOKEN_LETTERS, SPOKEN_SIGNS } from '../../gateway/text/spelling-alphabet.js';

const base32 = (s: string): string => {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of Buffer.from(s)) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += A[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out + '='.repeat((8 - (out.length % 8)) % 8);
};
export const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

const wordFor = (table: Readonly<Record<string, string>>, c: string) => Object.keys(table).find((w) => table[w] === c)!;
/** A key read aloud: each character its word of the spelling alphabet, digit or sign name, `capital` before a capital where `cased`. */
export function spokenAloud(key: string, sep = ' ', cased = false): string {
  return [...key]
    .map((c) => (/[A-Za-z]/.test(c) ? `${cased && /[A-Z]/.test(c) ? 'capital ' : ''}${wordFor(SPOKEN_LETTERS, c.toLowerCase())}` : /[0-9]/.test(c) ? wordFor(SPOKEN_DIGITS, c) : wordFor(SPOKEN_SIGNS, c)))
    .join(sep);
}

export const disguises: Record<string, (s: string) => string> = {
  rot13,
  reversed,
  'reversed rot13': (s) => reversed(rot13(s)),
  'typed one key to the right': keysRight,
  'typed one key to the left': keysLeft,
  'HTML entities (decimal)': (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join(''),
  'HTML entities (hex)': (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
  '\\x escapes as text': (s) => [...s].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
  '\\u escapes as text': (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  base32: (s) => base32(`key: ${s}`),
  'binary, a space between bytes': (s) => [...Buffer.from(`key: ${s}`)].map((b) => b.toString(2).padStart(8, '0')).join(' '),
  'binary, bytes run together': (s) => [...Buffer.from(s)].map((b) => b.toString(2).padStart(8, '0')).join(''),
  'gzip then base64': (s) => b64(gzipSync(`the key is ${s}`)),
  'deflate then base64': (s) => b64(deflateSync(`the key is ${s}`)),
  'base64 three deep': (s) => b64(b64(b64(`key ${s}`))),
};

/** A run of 26 capitals A–Z starting at `first`, for letter-like symbols. */
const lettersFrom = (first: number) => (s: string) => [...s].map((c) => (/[A-Z]/.test(c) ? String.fromCodePoint(first + c.charCodeAt(0) - 65) : c)).join('');

// Letter-like symbols Unicode does not decompose, for a key of capitals and digits (AWS's): its capitals
// written as regional indicators (🇦, the halves of flags), negative squared (🅰) or negative circled (🅐) letters.
export const letterDisguises: Record<string, (s: string) => string> = {
  'regional-indicator letters': lettersFrom(0x1f1e6),
  'regional-indicator letters, spaced': (s) => [...lettersFrom(0x1f1e6)(s)].join(' '),
  'negative squared letters': lettersFrom(0x1f170),
  'negative circled letters': lettersFrom(0x1f150),
};

// For a key whose prefix holds `_` or `-` (GitHub's ghp_, Stripe's sk_live_, OpenAI's sk-proj-): spelt
// with spaces, the `_` standing as a character of its own; its `_` or `-` as HTML named references.
export const prefixDisguises: Record<string, (s: string) => string> = {
  'spelt with spaces, _ and - as characters': (s) => [...s].join(' '),
  'spelt with two spaces': (s) => [...s].join('  '),
  'named references &lowbar; and &hyphen;': (s) => s.replace(/_/g, '&lowbar;').replace(/-/g, '&hyphen;'),
  'named references &UnderBar; and &minus;': (s) => s.replace(/_/g, '&UnderBar;').replace(/-/g, '&minus;'),
};

const CYRILLIC: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х', a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у' };
const percentByCodePoint = (s: string, u: string) => [...s].map((c) => `%${u}${c.codePointAt(0)!.toString(16).padStart(u ? 4 : 2, '0')}`).join('');
const inQuery = (s: string) => `https://api.example.com/v1/x?token=${encodeURIComponent(s)}&v=2`;
const fullwidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

// Two or three disguises stacked, each reading fed to the next (issue 23's hidden-disguise misses): a key
// spelt out or grouped and then scrambled (no sign of the scramble is whole in the text), homoglyphs put in
// before ROT13 (which turns only ASCII letters), and percent-encoding that writes a code point per escape.
export const stackedDisguises: Record<string, (s: string) => string> = {
  'spelt with separators, then ROT13': (s) => rot13([...s].join(' * ')),
  'spelt with separators, then reversed': (s) => reversed([...s].join(' · ')),
  'in groups of five with spaces, then ROT13': (s) => rot13(s.match(/.{1,5}/g)!.join(' ')),
  'Cyrillic homoglyphs, then ROT13': (s) => rot13(s.replace(/[A-Za-z]/g, (c, i: number) => (i % 2 === 0 && CYRILLIC[c]) || c)),
  'Cyrillic homoglyphs, spelt with spaces, then ROT13': (s) => rot13([...s.replace(/[A-Za-z]/g, (c) => CYRILLIC[c] ?? c)].join(' ')),
  'spelt with zero-width characters, then percent-encoded by code point': (s) => percentByCodePoint([...s].join('\u200b'), ''),
  'fullwidth, then escape()-style %u escapes': (s) => percentByCodePoint(fullwidth(s), 'u'),
  'spelt with separators and invisible characters between': (s) => [...s].join(' | \u200b | '),
  'fenced, ROT13, then quoted in JSON': (s) => JSON.stringify({ q: rot13('```\n' + s + '\n```') }),
  'spelt with separators, then in a URL query': (s) => `https://api.example.com/v1/x?token=${encodeURIComponent([...s].join(' * '))}&v=2`,
  'Cyrillic homoglyphs, then percent-encoded by code point': (s) => percentByCodePoint(s.replace(/[A-Za-z]/g, (c) => CYRILLIC[c] ?? c), ''),
  // The groups' separator spelt out with the characters: runs of separators of nineteen (`p *   * - *   * _ * a`).
  'in groups of three with " - ", then spelt with " | "': (s) => [...s.match(/.{1,3}/g)!.join(' - ')].join(' | '),
  // Percent-encoded in a URL query, then the whole URL ciphered: no prefix is whole, the scheme is (`uggcf://`).
  'Cyrillic homoglyphs, in a URL query, then ROT13': (s) => rot13(inQuery(s.replace(/[A-Za-z]/g, (c, i: number) => (i % 2 === 0 && CYRILLIC[c]) || c))),
  'Cyrillic homoglyphs, in a URL query, then Atbash': (s) => atbash(inQuery(s.replace(/[A-Za-z]/g, (c) => CYRILLIC[c] ?? c))),
  'soft hyphens, in a URL query, then reversed': (s) => reversed(inQuery([...s].join('\u00ad'))),
  'soft hyphens, in a URL query, then ROT47': (s) => rot47(inQuery([...s].join('\u00ad'))),
};

// Stacks read within one string. Cut across turns they are not always read: the escapes of a URL run past the
// 512 characters either side of a join that are read, and a cut between an escape's `\` and its letter leaves
// the later string's key glued to the letter (README, what is not read).
export const oneStringDisguises: Record<string, (s: string) => string> = {
  // The letter of a JSON escape (`\n` of the fence) turned with the key by a cipher that keeps letters letters.
  'fenced, Atbash, then quoted in JSON': (s) => JSON.stringify({ q: atbash('```\n' + s + '\n```') }),
  'fenced, shifted by 3, then quoted in JSON': (s) => JSON.stringify({ q: caesar('```\n' + s + '\n```', 3) }),
  // In a URL query, then written again as escapes or references: the reading's percent escapes decoded.
  'zero-width characters, in a URL query, then \\u escapes as text': (s) => [...inQuery([...s].join('\u200b'))].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  'Cyrillic homoglyphs, in a URL query, then numeric references': (s) => [...inQuery(s.replace(/[A-Za-z]/g, (c) => CYRILLIC[c] ?? c))].map((c) => `&#${c.codePointAt(0)};`).join(''),
};
