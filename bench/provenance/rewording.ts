// The cheap rewordings of issue 22 an insider tries on a restricted output before it reaches
// training: words substituted, filler words inserted, markup and line breaks between words,
// hyphenation, camelCase joins, look-alike digits, Caesar ciphers (ROT13) and reversals; then the
// next ones: Atbash and ROT47, letters in small capitals or turned upside down, spaced or dotted
// apart, and the text written as HTML entities, `\u` escapes, binary, base32, base64, quoted-printable
// or Morse; then word games: pig Latin, vowels left out, letters shuffled inside words, words run
// together. Each starts from the stripped text (no marks), as an insider would.
import { stripInvisible } from '../../gateway/provenance/watermark-reader.js';
import { reverseWords } from '../../gateway/text/readings.js';
import { atbash, caesar, keysLeft, keysRight, reversed as reverseText, rot47 } from '../../gateway/text/substitutions.js';
import type { Rng } from './sotu-corpus.js';

const words = (text: string) => stripInvisible(text).split(/\s+/).filter(Boolean);

/** `rate` of the words replaced by words of an unrelated vocabulary (nothing deleted). */
export function substitute(text: string, rate: number, vocabulary: string[], rng: Rng): string {
  return words(text)
    .map((w) => (rng() < rate ? vocabulary[Math.floor(rng() * vocabulary.length)] : w))
    .join(' ');
}

const FILLERS = ['basically', 'like', 'um', 'literally', 'honestly', 'actually', 'you know', 'sort of', 'really', 'kinda'];

/** A filler word after every `every` words. */
export function fillers(text: string, every: number, rng: Rng): string {
  const out: string[] = [];
  words(text).forEach((w, i) => {
    out.push(w);
    if ((i + 1) % every === 0) out.push(FILLERS[Math.floor(rng() * FILLERS.length)]);
  });
  return out.join(' ');
}

const TAGS = ['<b>', '</b>', '<i>', '</i>', '<span class="x">', '</span>', '<br>', '<br/>', '&nbsp;'];

/** Markup and line breaks between words: a tag, an entity or a newline between every pair. */
export function markup(text: string, rng: Rng): string {
  return words(text)
    .map((w) => {
      const r = rng();
      if (r < 0.3) return `<b>${w}</b>`;
      if (r < 0.5) return `${w}${TAGS[Math.floor(rng() * TAGS.length)]}`;
      if (r < 0.7) return `${w}\n`;
      return w;
    })
    .join(' ');
}

/** Hyphens inside half the longer words, some of them broken across a line. */
export function hyphenate(text: string, rng: Rng): string {
  return words(text)
    .map((w) => {
      if (w.length < 6 || rng() < 0.5) return w;
      const at = 2 + Math.floor(rng() * (w.length - 4));
      return w.slice(0, at) + (rng() < 0.5 ? '-' : '-\n') + w.slice(at);
    })
    .join(' ');
}

/** Runs of two to four words joined in camelCase. */
export function camelCase(text: string, rng: Rng): string {
  const ws = words(text);
  const out: string[] = [];
  for (let i = 0; i < ws.length; ) {
    const n = 2 + Math.floor(rng() * 3);
    out.push(ws.slice(i, i + n).map((w, j) => (j === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join(''));
    i += n;
  }
  return out.join(' ');
}

const DIGITS: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', l: '1', b: '8', g: '9' };

/** Look-alike digits for letters in half the words. */
export function lookAlikeDigits(text: string, rng: Rng): string {
  return words(text)
    .map((w) => (rng() < 0.5 ? [...w].map((c) => DIGITS[c] ?? c).join('') : w))
    .join(' ');
}

export const rot13 = (text: string): string => caesar(stripInvisible(text), 13);
export const caesarShift = (text: string, rng: Rng): string => caesar(stripInvisible(text), 1 + Math.floor(rng() * 25));
export const reversed = (text: string): string => reverseText(stripInvisible(text));
export const lettersReversed = (text: string): string => reverseWords(stripInvisible(text));
export const wordOrderReversed = (text: string): string => words(text).reverse().join(' ');

export const atbashed = (text: string): string => atbash(stripInvisible(text));
export const rot47ed = (text: string): string => rot47(stripInvisible(text));

const SMALL_CAPITALS: Record<string, string> = { a: 'ᴀ', b: 'ʙ', c: 'ᴄ', d: 'ᴅ', e: 'ᴇ', f: 'ꜰ', g: 'ɢ', h: 'ʜ', i: 'ɪ', j: 'ᴊ', k: 'ᴋ', l: 'ʟ', m: 'ᴍ', n: 'ɴ', o: 'ᴏ', p: 'ᴘ', r: 'ʀ', t: 'ᴛ', u: 'ᴜ', v: 'ᴠ', w: 'ᴡ', y: 'ʏ', z: 'ᴢ' };
const TURNED: Record<string, string> = { a: 'ɐ', b: 'q', c: 'ɔ', d: 'p', e: 'ǝ', f: 'ɟ', g: 'ƃ', h: 'ɥ', i: 'ᴉ', j: 'ɾ', k: 'ʞ', m: 'ɯ', n: 'u', p: 'd', q: 'b', r: 'ɹ', t: 'ʇ', u: 'n', v: 'ʌ', w: 'ʍ', y: 'ʎ', '.': '˙' };

/** Every letter in small capitals (the "font" generators' ᴛʜᴇ). */
export const smallCapitals = (text: string): string => [...stripInvisible(text).toLowerCase()].map((c) => SMALL_CAPITALS[c] ?? c).join('');
/** The text turned upside down: letters for their turned forms, written backwards. */
export const upsideDown = (text: string): string => [...stripInvisible(text).toLowerCase()].reverse().map((c) => TURNED[c] ?? c).join('');
/** Each word's letters one space apart, words three apart. */
export const lettersSpaced = (text: string): string => words(text).map((w) => [...w].join(' ')).join('   ');
/** Each word's letters apart by dots. */
export const lettersDotted = (text: string): string => words(text).map((w) => [...w].join('.')).join(' ');
/** Every letter as an HTML numeric entity. */
export const htmlEntities = (text: string): string => [...stripInvisible(text)].map((c) => (/\p{L}/u.test(c) ? `&#${c.codePointAt(0)};` : c)).join('');
/** Every character as a `\uXXXX` escape written out. */
export const unicodeEscapes = (text: string): string => [...stripInvisible(text)].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
/** The UTF-8 bytes in binary, a space between bytes. */
export const inBinary = (text: string): string => [...Buffer.from(stripInvisible(text))].map((b) => b.toString(2).padStart(8, '0')).join(' ');
/** The UTF-8 bytes in base32 (RFC 4648). */
export function inBase32(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of Buffer.from(stripInvisible(text))) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) out += alphabet[(value >>> (bits -= 5)) & 31];
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}
/** The UTF-8 bytes in base64. */
export const inBase64 = (text: string): string => Buffer.from(stripInvisible(text)).toString('base64');
/** Every byte as a quoted-printable escape (`=74=68=65`). */
export const quotedPrintable = (text: string): string => [...Buffer.from(stripInvisible(text))].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
const MORSE: Record<string, string> = { a: '.-', b: '-...', c: '-.-.', d: '-..', e: '.', f: '..-.', g: '--.', h: '....', i: '..', j: '.---', k: '-.-', l: '.-..', m: '--', n: '-.', o: '---', p: '.--.', q: '--.-', r: '.-.', s: '...', t: '-', u: '..-', v: '...-', w: '.--', x: '-..-', y: '-.--', z: '--..', '0': '-----', '1': '.----', '2': '..---', '3': '...--', '4': '....-', '5': '.....', '6': '-....', '7': '--...', '8': '---..', '9': '----.' };
/** In Morse: letters and digits one space apart, words apart by ` / ` (what has no code is left out). */
export const inMorse = (text: string): string => words(text.toLowerCase()).map((w) => [...w].map((c) => MORSE[c]).filter(Boolean).join(' ')).filter(Boolean).join(' / ');

// Written here apart from the readers that undo them (gateway/text/word-games.ts).
/** Pig Latin: a word's first consonants moved to its end with `ay`, `way` after a word that begins with a vowel; case kept at the front. */
export const pigLatin = (text: string): string =>
  stripInvisible(text).replace(/[A-Za-z]+/g, (w) => {
    const moved = /^(?:qu|[^aeiouAEIOU])+/i.exec(w)?.[0] ?? '';
    return moved === '' ? `${w}way` : moved.length === w.length ? `${w}ay` : w.slice(moved.length) + moved.toLowerCase() + 'ay';
  });
/** Every vowel (a, e, i, o, u) left out; a word of vowels alone is gone. */
export const vowelsRemoved = (text: string): string => stripInvisible(text).replace(/[aeiouAEIOU]/g, '').replace(/ {2,}/g, ' ');
/** Each word's letters between its first and last shuffled (the "Cmabrigde" meme). */
export const lettersScrambled = (text: string, rng: Rng): string =>
  stripInvisible(text).replace(/[A-Za-z]{4,}/g, (w) => {
    const inner = [...w.slice(1, -1)];
    for (let i = inner.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [inner[i], inner[j]] = [inner[j], inner[i]];
    }
    return w[0] + inner.join('') + w[w.length - 1];
  });
/** Words run together: every space left out. */
export const wordsRunTogether = (text: string): string => words(text).join('');
/** Every word joined to the next by a hyphen, as a slug is written ("the-keeper-of-the-light"). */
export const kebabJoined = (text: string): string => words(text).join('-');
/** Every letter written twice ("tthhee kkeeeeppeerr"). */
export const lettersDoubled = (text: string): string => stripInvisible(text).replace(/\p{L}/gu, (c) => c + c);
/** Each character written as its code in `base` (10, 16 or 8), one space apart ("84 104 101"). */
export const charCodes = (text: string, base: number): string => [...stripInvisible(text)].map((c) => c.codePointAt(0)!.toString(base)).join(' ');
/** Each letter written as its place in the alphabet, apart by hyphens, words apart by spaces ("20-8-5"; A1Z26). */
export const alphabetPlaces = (text: string): string =>
  words(text.toLowerCase())
    .map((w) => [...w].filter((c) => c >= 'a' && c <= 'z').map((c) => c.charCodeAt(0) - 96).join('-'))
    .filter(Boolean)
    .join(' ');
const ICAO = 'alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');
/** Each letter spelt in the ICAO alphabet, words apart by slashes ("tango hotel echo / kilo ..."). */
export const spellingAlphabet = (text: string): string =>
  words(text.toLowerCase())
    .map((w) => [...w].filter((c) => c >= 'a' && c <= 'z').map((c) => ICAO[c.charCodeAt(0) - 97]).join(' '))
    .filter(Boolean)
    .join(' / ');
/** Each key typed one to the right of the one meant on a QWERTY keyboard ("Jr;;p" for "Hello"), or to the left. */
export const keyboardShifted = (text: string, way: 'right' | 'left'): string => (way === 'right' ? keysRight : keysLeft)(stripInvisible(text));
/** Every letter one space apart, words too (no wider gap to tell words by). */
export const lettersAllSpaced = (text: string): string => [...words(text).join('')].join(' ');

// Then two disguises one over the other, and plain text around a disguise (2026-12-06, the insider's
// next step once each disguise alone is read).
/** ROT13, then a stop word after every word ("gur the xrrcre of"): a cipher dressed to look like prose. */
export const stopWordsBetween = (text: string): string => {
  const STOPS = ['the', 'of', 'and', 'to', 'in', 'is', 'that', 'it', 'was', 'for'];
  return words(rot13(text)).map((w, i) => `${w} ${STOPS[i % STOPS.length]}`).join(' ');
};
/** `plain` (the first 400 of its words) before the text: a sample of a text's start reads as plain. */
export const plainBefore = (text: string, plain: string): string => `${words(plain).slice(0, 400).join(' ')}\n\n${text}`;
/** ROT13, then three English words after every word, one a stop word ("gur time of place xrrcre"): a cipher dressed past a check of stop words. */
export const englishWordsBetween = (text: string): string => {
  const WORDS = ['time', 'people', 'house', 'water', 'little', 'world', 'place', 'market', 'school', 'family'];
  const STOPS = ['the', 'of', 'and', 'to', 'in'];
  return words(rot13(text)).map((w, i) => `${w} ${WORDS[i % WORDS.length]} ${STOPS[i % STOPS.length]} ${WORDS[(i * 3 + 1) % WORDS.length]}`).join(' ');
};
