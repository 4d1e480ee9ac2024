// A key disguised first (spelt with separators, in groups, homoglyphs put in, invisible characters,
// percent-encoded in a URL) and then put under a Caesar shift, ROT47 or Atbash: the cipher, applied last,
// turns the signs the other readers look for (a prefix whole, spread out, or with folded letters) into
// something none of them knows. Here a prefix is matched loosely through the cipher: a prefix ending with
// `_` or `-` from each place that separator (under ROT47 `0` or `\`) stands, back; an AWS id's or Google
// key's from each pair of characters the keyword pass marked (RUN_PAIRS), forward. Separators and
// invisible characters are skipped, a letter outside ASCII (which no cipher of ASCII turns) or a
// percent-escaped one is taken for any letter, and a Caesar shift is read from the prefix's shape; then a
// body must follow that reads as a key spelt out or in groups, not as words and numbers (bodyFollows).
// Only such stretches are deciphered, whole, and read by every reader (scan.ts), so that whatever disguise
// lay under the cipher is undone as it is in the clear. Matches with nothing loose in prefix or body are
// left to shifted-keys.ts and text-decoders.ts' signs. Written by hand: no library reads a cipher of a
// spelt-out word. Pure.
import { ATBASH, atbash, caesar, ROT47, rot47 } from '../text/substitutions.js';
import { rot47InJson } from './text-decoders.js';
import { SEPARATED } from './shifted-keys.js';

export type CipherKind = 'caesar' | 'rot47' | 'atbash';

export interface CipheredStretch {
  start: number;
  end: number;
  /** The stretch deciphered (characters outside ASCII as they were). */
  text: string;
  cipher: CipherKind;
}

// The prefixes ending with their separator (shifted-keys.ts'), by that separator.
const ENDING = [SEPARATED.filter((p) => p.endsWith('_')), SEPARATED.filter((p) => p.endsWith('-'))];
/** The most characters skipped between two of a prefix's or body's characters: a separator of a few characters, with invisible ones beside it. */
const GAP = 16;
/** Key characters (or letters taken for any) a body has at least after its prefix. */
const BODY = 16;
/** The shortest text a ciphered key can be: a prefix of three and its body. */
const SHORTEST = 3 + BODY;
/** The most of a stretch read from its prefix on: a long key spelt out with separators of several characters. */
const STRETCH = 4096;
/** The most tokens read back from a prefix's separator: the longest prefix's characters, with separators between its groups. */
const BACK_TOKENS = 16;
/** The most tokens read from an AWS id's or Google key's candidate: its prefix's four, with separators skipped between. */
const RUN_TOKENS = 8;

const enum Kind {
  Char, // an ASCII letter or digit (its value deciphered where the cipher is fixed)
  Sep, // `_` or `-`
  Wild, // a letter outside ASCII, or a run of percent escapes of non-ASCII bytes: any letter
  Junk, // a separator, white space, an invisible character, a percent escape of an ASCII sign
  Stop,
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
// Each ASCII character's kind as plain text: separators a spelt-out key is written with (spelt-keys.ts)
// are junk; a `%` is looked at further (tokenAt).
const KIND = new Uint8Array(128).fill(Kind.Stop);
for (let c = 0; c < 128; c++) if (isLetter(c) || isDigit(c)) KIND[c] = Kind.Char;
for (const c of '_-') KIND[c.charCodeAt(0)] = Kind.Sep;
for (const c of ' \t\n\r.|,:;*') KIND[c.charCodeAt(0)] = Kind.Junk;
/** `%`: an escape's start, or a character no key is spelt with (tokenAt decides). */
const PERCENT = 7;
KIND[37] = PERCENT;
// Characters that are invisible or hyphenate (soft hyphen, zero-width space, joiners, word joiner,
// byte-order mark), and the middle dots spelt-out keys are written with.
const isInvisible = (c: number) => c === 0xad || (c >= 0x200b && c <= 0x200f) || c === 0x2060 || c === 0xfeff || c === 0xb7 || c === 0x2022;
const LETTER = /\p{L}/u;

/** The character at i as the cipher's plain text has it (a Caesar shift is read later, from the prefix's shape). */
function plainAt(text: string, i: number, table: Uint16Array | null): number {
  const c = text.charCodeAt(i);
  return table !== null && c < 128 ? table[c] : c;
}

/** A token's kind and length, packed (kind + 8 × length) so that the walks allocate nothing. */
const ESCAPE_JUNK = Kind.Junk + 24;
const ESCAPE_WILD = Kind.Wild + 24;
/**
 * The token starting at `at` (deciphered by `table`), packed. A percent escape (`%` and two hex characters,
 * deciphered) is a sign's or a byte of a letter outside ASCII by its first hex character: a digit below 8
 * spells an ASCII sign, anything else (`%D0`, a Caesar-shifted `%G0`) part of a letter.
 */
function tokenAt(text: string, at: number, table: Uint16Array | null): number {
  const c = plainAt(text, at, table);
  if (c >= 128) return (isInvisible(c) ? Kind.Junk : LETTER.test(text[at]) ? Kind.Wild : Kind.Stop) + 8;
  if (c === 37 && at + 2 < text.length) {
    const [a, b] = [plainAt(text, at + 1, table), plainAt(text, at + 2, table)];
    if (a < 128 && b < 128 && KIND[a] === Kind.Char && KIND[b] === Kind.Char) return isDigit(a) && a < 56 ? ESCAPE_JUNK : ESCAPE_WILD;
  }
  return (c === 37 ? Kind.Stop : KIND[c]) + 8;
}

interface Token {
  kind: Kind.Char | Kind.Sep | Kind.Wild;
  at: number;
  /** The character (deciphered where the cipher is fixed); -1 for Wild (reads() takes any letter for it). */
  value: number;
  /** Whether junk stood right after it (before the next token read forwards). */
  loose: boolean;
  /** Its length in the text (several characters for percent escapes). */
  length: number;
}

const QUOTES = [34, 39, 96];
/** Up to BACK_TOKENS tokens before `end`, nearest first, junk skipped (at most GAP characters of it at a time). */
function tokensBefore(text: string, end: number, table: Uint16Array | null): Token[] {
  const out: Token[] = [];
  let i = end - 1;
  let gap = 0;
  let loose = false;
  while (i >= 0 && out.length < BACK_TOKENS) {
    // A percent escape is read from its `%`, two characters back.
    const at = i >= 2 && plainAt(text, i - 2, table) === 37 && tokenAt(text, i - 2, table) >= 24 ? i - 2 : i;
    let kind = tokenAt(text, at, table) & 7;
    // A quote as written ends the word before a key (under ROT47 it would read as a letter: JSON text's
    // quotes around a ciphered key are not the cipher's).
    if (kind === Kind.Stop || QUOTES.includes(text.charCodeAt(at))) break;
    // A letter escaped in JSON text (`\n` before a fenced key in tool call arguments) is no letter (under
    // ROT47 a backslash is a `-`, and a letter after it its own).
    if (kind === Kind.Char && table === null && at > 0 && text.charCodeAt(at - 1) === 92) kind = Kind.Junk;
    if (kind === Kind.Junk) {
      gap += i - at + 1;
      if (gap > GAP) break;
      loose = true;
    } else {
      const last = out[out.length - 1];
      if (kind === Kind.Wild && last?.kind === Kind.Wild && !loose && at < i && continues(text, last.at, table)) {
        last.length += last.at - at; // one letter's bytes
        last.at = at;
      } else out.push({ kind: kind as Token['kind'], at, value: kind === Kind.Wild ? -1 : plainAt(text, at, table), loose, length: i - at + 1 });
      gap = 0;
      loose = false;
    }
    i = at - 1;
  }
  return out;
}

/**
 * Whether the percent escape at `at` is a UTF-8 continuation byte (`%80`–`%BF`), part of the letter escaped
 * before it: read by its first hex digit, 8 or 9 (a Caesar shift moves the A and B of `%A0`, so those
 * read as a letter's first byte: a letter counted twice, which the body's count allows).
 */
function continues(text: string, at: number, table: Uint16Array | null): boolean {
  if (plainAt(text, at, table) !== 37) return false;
  const first = plainAt(text, at + 1, table);
  return first === 56 || first === 57;
}

/** Up to `max` tokens from `at` on, junk skipped (at most GAP characters of it at a time); an escape run spelling one letter is one token. */
function tokensFrom(text: string, at: number, table: Uint16Array | null, max: number): Token[] {
  const out: Token[] = [];
  let gap = 0;
  for (let i = at; i < text.length && out.length <= max; ) {
    const token = tokenAt(text, i, table);
    const kind = token & 7;
    const length = token >> 3;
    if (kind === Kind.Stop) break;
    const last = out[out.length - 1];
    if (kind === Kind.Junk) {
      gap += length;
      if (gap > GAP) break;
      if (last) last.loose = true;
    } else {
      if (kind === Kind.Wild && last?.kind === Kind.Wild && !last.loose && last.at + last.length === i && length === 3 && continues(text, i, table)) last.length += length;
      else out.push({ kind: kind as Token['kind'], at: i, value: kind === Kind.Wild ? -1 : plainAt(text, i, table), loose: false, length });
      gap = 0;
    }
    i += length;
  }
  return out;
}

/** A match in progress: the Caesar shift its letters have shown (-1: none yet), and whether it was loose. */
interface Reading {
  shift: number;
  loose: boolean;
}

/**
 * Whether a token's character `value` (-1: a letter taken for any, which makes the reading loose) reads as
 * the prefix's character `want`: `table` deciphers a fixed cipher's tokens, null reads a Caesar shift from
 * the letters' shape (one shift for all, kept in `reading`).
 */
function reads(want: number, value: number, table: Uint16Array | null, reading: Reading): boolean {
  if (value < 0) {
    reading.loose = true;
    return isLetter(want);
  }
  if (table !== null || !isLetter(want)) return (table === null ? value : table[value]) === want;
  const base = want >= 97 ? 97 : 65;
  if (value < base || value >= base + 26) return false;
  const d = (value - want + 26) % 26;
  if (reading.shift < 0) reading.shift = d;
  return d === reading.shift;
}

/**
 * Whether the prefix (its last character at the anchor) matches the tokens before it (nearest first), and
 * where it starts. `loose`: junk, a skipped separator or a letter taken for any was read.
 */
function matchBack(prefix: string, tokens: readonly Token[], table: Uint16Array | null): { start: number; shift: number; loose: boolean } | null {
  const reading: Reading = { shift: -1, loose: false };
  let k = 0;
  let start = -1;
  for (let i = prefix.length - 2; i >= 0; i--) {
    const want = prefix.charCodeAt(i);
    if (want === 95 || want === 45) {
      // A group's dash before the prefix's own `_` (`sk_ - liv - e_…`) is a separator here.
      while (tokens[k]?.kind === Kind.Sep && tokens[k].value !== want && tokens[k + 1]?.kind === Kind.Sep) {
        reading.loose = true;
        k++;
      }
      const t = tokens[k];
      if (t === undefined || t.kind !== Kind.Sep || t.value !== want) return null;
      reading.loose ||= t.loose;
      start = t.at;
      k++;
      continue;
    }
    // A group's dash or underscore standing between a prefix's letters is a separator here.
    while (tokens[k]?.kind === Kind.Sep) {
      reading.loose = true;
      k++;
    }
    const t = tokens[k];
    if (t === undefined || !reads(want, t.value, table, reading)) return null;
    reading.loose ||= t.loose;
    start = t.at;
    k++;
  }
  // A key stands apart from the word before it.
  const before = tokens[k];
  if (before !== undefined && before.kind !== Kind.Sep && !before.loose) return null;
  return { start, ...reading };
}

/**
 * Whether a prefix of letters only (an AWS id's, a Google key's) matches the tokens from a candidate on, and
 * where its last token ends.
 */
function matchForward(prefix: string, tokens: readonly Token[], table: Uint16Array | null): { end: number; shift: number; loose: boolean } | null {
  const reading: Reading = { shift: -1, loose: false };
  let k = 0;
  for (let i = 0; i < prefix.length; i++) {
    while (i > 0 && tokens[k]?.kind === Kind.Sep) {
      reading.loose = true;
      k++;
    }
    const t = tokens[k];
    if (t === undefined || t.kind === Kind.Sep || !reads(prefix.charCodeAt(i), t.value, table, reading)) return null;
    // Junk after the last of the prefix is the body's.
    if (i < prefix.length - 1) reading.loose ||= t.loose;
    k++;
  }
  const last = tokens[k - 1];
  return { end: last.at + last.length, ...reading };
}

/** A capital after a group's first character (`aB3x`, not `Hello`), in a group's classes (1 digit, 2 capital, 4 small letter, 8 a letter taken for any). */
const INNER_CAPITAL = 16;
// What a group of the body shows (groupSigns): a generated key's mix, deciphered (a digit with letters, or a
// capital inside small letters: `aB3x`) and as written (under ROT47, where words decipher to such mixes);
// letters taken for any among ASCII ones (homoglyphs put into a key: words of one script have not); one
// character (a key spelt out).
const GENERATED = 1;
const GENERATED_AS_WRITTEN = 2;
const HOMOGLYPHED = 4;
const SINGLE = 8;
const generated = (group: number): boolean => ((group & 1) !== 0 && (group & 30) !== 0) || ((group & INNER_CAPITAL) !== 0 && (group & 4) !== 0);
/** `capitals`: a group of three capitals or more counts as generated (an AWS id's body). */
function groupSigns(group: number, written: number, length: number, capitals: boolean): number {
  const upper = capitals && length >= 3 && (group & ~(2 | INNER_CAPITAL)) === 0;
  return (generated(group) || upper ? GENERATED : 0) | (generated(written) || upper ? GENERATED_AS_WRITTEN : 0) | ((group & 8) !== 0 && (group & 23) !== 0 ? HOMOGLYPHED : 0) | (length === 1 ? SINGLE : 0);
}
/** A character's class bit in a group (the group's length so far decides an inner capital); -1 for a letter taken for any. */
const classBit = (c: number, at: number): number => (c < 0 ? 8 : c <= 57 ? 1 : c <= 90 ? (at > 0 ? INNER_CAPITAL : 2) : 4);

// The single characters a body has shown, each marked with its read's stamp: a key spelt out shows many
// different ones, prose spaced after a prefix-like word (`cdk_cdk a_a a 0 a-a a-a`, `cdk` a Caesar shift of
// `gho`) repeats its `a` and `0`.
const SINGLES_SEEN = new Uint32Array(128);
let stamps = 0;
const nextStamp = (): number => (stamps = (stamps + 1) >>> 0 || 1);
/** 1 where `c` is a single character not yet shown in the read `stamp` (a letter taken for any, -1, always is). */
function newSingle(c: number, stamp: number): number {
  if (c < 0) return 1;
  if (SINGLES_SEEN[c & 127] === stamp) return 0;
  SINGLES_SEEN[c & 127] = stamp;
  return 1;
}

/**
 * Whether a body's groups read as a key spelt out: half of them single characters, four of them different,
 * from the first on (after `cdk_cdk`, prose spaced as `a b c d` follows a word).
 */
const spelt = (singles: number, distinct: number, lead: number): boolean => lead === 1 && singles >= BODY / 2 && distinct >= BODY / 4;
/** Whether a loose body's groups read as a key spelt out (`spelt`) or in groups: a group a generated key has. */
function readsAsKey(spelt: boolean, shown: number, table: Uint16Array | null): boolean {
  return spelt || (shown & HOMOGLYPHED) !== 0 || ((shown & GENERATED) !== 0 && (table === null || (shown & GENERATED_AS_WRITTEN) !== 0));
}

const NO_BODY = 0;
const TIGHT_BODY = 1;
const LOOSE_BODY = 2;
/**
 * Whether a body follows a prefix from `from` on: BODY key characters (or letters taken for any), among
 * them a digit or both cases, as a generated key has and words after a hyphen have not. Where junk stands
 * between them (LOOSE_BODY), the body must also read as a key spelt out or in groups: half its groups single
 * characters, a group with letters taken for any among ASCII ones, or a group a generated key would have,
 * which words and numbers spaced as prose (`yq 10 10000 Aaaa`) have not (under ROT47, generated both
 * deciphered and as written); read up to twice BODY characters for one. NO_BODY otherwise.
 * `kinds`: KIND through the cipher's table, for the ASCII characters but `%` (read at once, without a call).
 * `runKey`: an AWS id's or Google key's body, which a `-` or `_` makes loose (in groups joined by dashes; a
 * prefixed key's body may hold its own, and ROT47 turns a hex digit 0 into `_`), and which may be capitals
 * only (an AWS id one time in thirty has no digit), in groups of capitals.
 */
function bodyFollows(text: string, from: number, table: Uint16Array | null, kinds: Uint8Array, runKey: boolean): number {
  let count = 0;
  let gap = 0;
  let loose = false;
  let classes = 0; // of the whole body
  let group = 0; // of the group being read, deciphered
  let written = 0; // and as written
  let groupLength = 0;
  let shown = 0; // groupSigns of the groups read
  let singles = 0;
  let distinct = 0; // single characters not shown before
  let lead = 0; // the first group's length
  let first = 0; // the group's first character, deciphered (-1: a letter taken for any)
  const stamp = nextStamp();
  for (let i = from; i < text.length && count < BODY * 2; ) {
    const c = text.charCodeAt(i);
    const token = c < 128 && kinds[c] !== PERCENT ? kinds[c] + 8 : tokenAt(text, i, table);
    const kind = token & 7;
    if (kind === Kind.Stop) break;
    if (kind === Kind.Junk || kind === Kind.Sep) {
      const signs = groupSigns(group, written, groupLength, runKey);
      shown |= signs;
      if (signs & SINGLE) [singles, distinct] = [singles + 1, distinct + newSingle(first, stamp)];
      if (lead === 0) lead = groupLength;
      [group, written, groupLength] = [0, 0, 0];
      if (kind === Kind.Junk || runKey) loose = true;
      if (kind === Kind.Junk) {
        gap += token >> 3;
        if (gap > GAP) break;
      }
    } else {
      const plain = kind === Kind.Wild ? -1 : table === null ? c : table[c];
      if (groupLength === 0) first = plain;
      const bit = classBit(plain, groupLength);
      classes |= bit === INNER_CAPITAL ? 2 : bit;
      group |= bit;
      // As written, a sign but `_` (an identifier's) counts with the digits: a turned AWS id has no digit written.
      if (table !== null && c < 128) written |= isLetter(c) || isDigit(c) ? classBit(c, groupLength) : c === 95 ? 0 : 1;
      groupLength++;
      if (kind === Kind.Wild) loose = true;
      count++;
      gap = 0;
      // Eight small letters in a row are words: a generated body has a capital or digit among them but once
      // in a thousand, too often for a key spelt out or in groups (`g h p _ b y y y g o c t …` was let by
      // once in 300 tokens), whose groups must read as a key's besides; those are judged on sixteen.
      if (count === (loose ? BODY : BODY / 2) && (classes & 3) === 0) return NO_BODY;
    }
    if (count >= BODY && (!loose || readsAsKey(spelt(singles, distinct, lead), shown, table))) break;
    i += token >> 3;
  }
  const signs = groupSigns(group, written, groupLength, runKey);
  shown |= signs;
  if (signs & SINGLE) [singles, distinct] = [singles + 1, distinct + newSingle(first, stamp)];
  if (count < BODY || !((classes & 1) !== 0 || (classes & 6) === 6 || (runKey && (classes & 4) === 0))) return NO_BODY;
  if (!loose) return TIGHT_BODY;
  return readsAsKey(spelt(singles, distinct, lead), shown, table) ? LOOSE_BODY : NO_BODY;
}

/**
 * Where the run of tokens from `at` on ends: at a character no key is spelt with, or after more than GAP
 * characters of junk (at most STRETCH on); and where its last group starts, where junk stands before it
 * (-1 otherwise): a word after a key spelt out (`… 8 B C today`, `today` read as `t`) joins the key's
 * last group, so the run is also read without it.
 */
function runEnd(text: string, at: number, table: Uint16Array | null): [number, number] {
  let gap = 0;
  let end = at;
  let lastGroup = -1;
  for (let i = at; i < text.length && i - at < STRETCH; ) {
    const token = tokenAt(text, i, table);
    const kind = token & 7;
    if (kind === Kind.Stop) break;
    if (kind === Kind.Junk) {
      gap += token >> 3;
      if (gap > GAP) break;
    } else {
      if (gap > 0) lastGroup = i;
      gap = 0;
      end = i + (token >> 3);
    }
    i += token >> 3;
  }
  return [end, lastGroup];
}

const AS_READ = new Uint16Array(128).map((_, c) => c);
const KIND_ROT47 = new Uint8Array(128).map((_, c) => KIND[ROT47[c]]);

// Caesar shifts and Atbash keep `_` and `-` and read the same tokens (the raw characters); ROT47 moves
// them to `0` and `\` and its tokens are read deciphered. Each cipher's table turns a token to plain text
// (null: a Caesar shift, read from the shape). Last, the separator the anchor stands for (0 `_`, 1 `-`).
const PASSES: Array<[string, Uint16Array | null, Array<[CipherKind, Uint16Array | null]>, 0 | 1]> = [
  ['_', null, [['caesar', null], ['atbash', ATBASH]], 0],
  ['-', null, [['caesar', null], ['atbash', ATBASH]], 1],
  ['0', ROT47, [['rot47', AS_READ]], 0],
  ['\\', ROT47, [['rot47', AS_READ]], 1],
];

// Prefixes of letters only, read from their first letter on: AWS key ids and Google API keys. Where one
// may start is found in the keyword pass over the string's secret form (keyword-pass.ts), by the pair of
// characters it starts with there (RUN_PAIRS): the fold has made homoglyphs the letters they look like and
// dropped invisible characters, so a pair is a capital followed by junk (a separator, a space) or by the
// capital that could be its second letter under some Caesar shift (`AKIA` `ASIA` `ABIA` `ACCA` `AIza`: 10,
// 18, 1, 2 or 8 places on) or Atbash (`ZP` `ZH` `ZY` `ZX`); under ROT47, `p` (`A`) followed by junk
// or by `z $ q x` (`K S B I`; ACCA's `r` is left out: `pr` starts a word a line in code); a `%` followed by
// a letter (a percent-escaped letter outside ASCII, its hex digits shifted); and an `A` followed by any
// capital (the `А` of a homoglyph, folded, the cipher having turned only the second letter, or neither).
const RUN_PREFIXES = ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AIza'];
/** Their second letters (all after an `A`), the distances from the first under a shift, and the second letters under Atbash. */
const SECOND_LETTERS = [...new Set(RUN_PREFIXES.map((p) => p.charCodeAt(1)))];
const SHIFTS = SECOND_LETTERS.map((b) => b - 65);
const ATBASH_SECONDS = SECOND_LETTERS.map((b) => 155 - b);
const isCapital = (c: number) => c >= 65 && c <= 90;
const JUNK_AFTER = ' \t\n\r.|,:;*_-%';
const JUNK_AFTER_ROT47 = ' \t\n\r]M[Y0\\T';
/**
 * A pair table's `table` (keyword-automaton.ts PairTable), bit k marking the pairs RUN_PASSES[k] reads (a
 * Caesar shift or Atbash, ROT47); a separator outside ASCII is read as a space, as spelt-keys.ts'
 * SPREAD_PAIRS reads it.
 */
export const RUN_PAIRS = new Uint8Array(128 * 128);
for (let a = 0; a < 128; a++) {
  for (let b = 0; b < 128; b++) {
    const after = String.fromCharCode(b);
    const shifted = isCapital(a) && isCapital(b) && SHIFTS.includes((b - a + 26) % 26);
    const junk = isCapital(a) && JUNK_AFTER.includes(after);
    const mirrored = a === 90 && ATBASH_SECONDS.includes(b);
    const rot47 = (a === 112 && ('z$qx'.includes(after) || JUNK_AFTER_ROT47.includes(after))) || (a === 65 && ('z$qx'.includes(after) || isCapital(b)));
    const escaped = a === 37 && isLetter(b);
    // An `A` the fold made of a homoglyph, which no cipher turned, before a second letter the cipher did.
    const homoglyph = a === 65 && isCapital(b);
    RUN_PAIRS[a * 128 + b] = (shifted || junk || mirrored || escaped || homoglyph ? 1 : 0) | (rot47 ? 2 : 0);
  }
}
const RUN_PASSES: Array<[Uint16Array | null, Array<[CipherKind, Uint16Array | null]>]> = [
  [null, [['caesar', null], ['atbash', ATBASH]]],
  [ROT47, [['rot47', AS_READ]]],
];

/**
 * Whether the first three tokens from `start` (past junk) could begin an AWS id or a Google key under one
 * of the pass's ciphers, read without keeping a token: most candidates (`A quick`, `E_NAME`, `ASCII`) fail
 * here.
 */
function runMayStart(text: string, start: number, read: Uint16Array | null, ciphers: ReadonlyArray<[CipherKind, Uint16Array | null]>): boolean {
  let i = start;
  let gap = 0;
  let n = 0;
  for (; n < 3 && i < text.length; ) {
    const token = tokenAt(text, i, read);
    const kind = token & 7;
    if (kind === Kind.Stop) return false;
    if (kind === Kind.Junk || (kind === Kind.Sep && n > 0)) {
      gap += token >> 3;
      if (gap > GAP) return false;
    } else if (kind === Kind.Sep) return false;
    else {
      FIRST_THREE[n++] = kind === Kind.Wild ? -1 : plainAt(text, i, read);
      gap = 0;
    }
    i += token >> 3;
  }
  if (n < 3) return false;
  for (const prefix of RUN_PREFIXES) {
    for (const [, table] of ciphers) {
      FIRST_READING.shift = -1;
      let k = 0;
      while (k < 3 && reads(prefix.charCodeAt(k), FIRST_THREE[k], table, FIRST_READING)) k++;
      if (k === 3) return true;
    }
  }
  return false;
}
/** The first three tokens' characters runMayStart read (-1: a letter taken for any), and the reading it reuses. */
const FIRST_THREE = new Int32Array(3);
const FIRST_READING: Reading = { shift: -1, loose: false };

/** The stretches from each of `starts[k]` on (RUN_PASSES[k]'s candidates) that read as an AWS id or Google key under a cipher, loosely (see cipheredStretches). */
function runStretches(text: string, starts: ReadonlyArray<readonly number[]>, found: Found): void {
  for (let k = 0; k < RUN_PASSES.length; k++) {
    const [read, ciphers] = RUN_PASSES[k];
    const kinds = read === null ? KIND : KIND_ROT47;
    for (const start of starts[k] ?? []) {
      // A key stands apart from the word before it (a letter escaped in JSON text is no letter).
      if (start > 0 && (tokenAt(text, start - 1, read) & 7) === Kind.Char && (read !== null || text.charCodeAt(start - 2) !== 92)) continue;
      if (!runMayStart(text, start, read, ciphers)) continue;
      const tokens = tokensFrom(text, start, read, RUN_TOKENS);
      for (const prefix of RUN_PREFIXES) {
        for (const [cipher, table] of ciphers) {
          const match = matchForward(prefix, tokens, table);
          if (match === null || (cipher === 'caesar' && match.shift <= 0)) continue;
          const body = bodyFollows(text, match.end, read, kinds, true);
          if (body === NO_BODY || !(match.loose || body === LOOSE_BODY)) continue;
          // A Google key's `-` and `_` may be its own or a group's: both ends are read.
          const end = keyEnd(text, match.end, read, prefix === 'AIza' ? 35 : 16, false);
          addStretch(found, cipher === 'caesar' ? `caesar ${match.shift}` : cipher, start, [end, prefix === 'AIza' ? keyEnd(text, match.end, read, 35, true) : -1]);
        }
      }
    }
  }
}

const NONE = -1;
const ANY = -2;
/** The character of the token before `at` (junk skipped), deciphered by `table`: ANY for a letter taken for any, NONE where no letter or digit stands. */
function letterBefore(text: string, at: number, table: Uint16Array | null): number {
  let gap = 0;
  for (let i = at - 1; i >= 0 && gap <= GAP; i--) {
    // An escape is read from its `%`, two characters back.
    const escape = i >= 2 && plainAt(text, i - 2, table) === 37 ? tokenAt(text, i - 2, table) : 0;
    const token = escape >= 24 ? escape : tokenAt(text, i, table);
    const kind = token & 7;
    if (kind === Kind.Char) return plainAt(text, i, table);
    if (kind === Kind.Wild) return ANY;
    // A group's dash may stand between a prefix's letters.
    if (kind !== Kind.Junk && kind !== Kind.Sep) return NONE;
    gap += token >> 3;
    i -= (token >> 3) - 1;
  }
  return NONE;
}
/** The characters the prefixes end with before their last `_` and before their last `-`. */
const ENDS = ENDING.map((prefixes) => prefixes.map((p) => p.charCodeAt(p.length - 2)));

/**
 * Where the `length`-th key character (or letter taken for any) from `at` on ends, junk between: an AWS
 * id's or Google key's body, whose length is fixed. `separators`: whether `-` and `_` count.
 */
function keyEnd(text: string, at: number, table: Uint16Array | null, length: number, separators: boolean): number {
  let count = 0;
  let end = at;
  let gap = 0;
  for (let i = at; i < text.length && count < length; ) {
    const token = tokenAt(text, i, table);
    const kind = token & 7;
    if (kind === Kind.Stop) break;
    if (kind === Kind.Junk || (kind === Kind.Sep && !separators)) {
      gap += token >> 3;
      if (gap > GAP) break;
    } else {
      count++;
      gap = 0;
      end = i + (token >> 3);
    }
    i += token >> 3;
  }
  return end;
}

/** A stretch found: its start, end, and a second end it is also read to (-1: none): where its last group starts (runEnd), or a Google key's end counting its `-` and `_`. */
type Found = Map<string, Array<[number, number, number]>>;

/** Adds a stretch to its cipher's list (joined with the others where they overlap once all are found: joinOverlapping). */
function addStretch(found: Found, key: string, start: number, [end, otherEnd]: [number, number]): void {
  const list = found.get(key) ?? [];
  list.push([start, end, otherEnd]);
  found.set(key, list);
}

/**
 * A cipher's stretches in order, each joined with those it overlaps (its start the first's). The passes
 * find them out of order: a ROT47 key's own `_` (read as `0`) is found before its prefix's `-` (`\`), and
 * joined to the last found, the key was read from its `_` on (3 OpenAI keys in 1,000, in homoglyphs).
 */
function joinOverlapping(list: Array<[number, number, number]>): Array<[number, number, number]> {
  list.sort((a, b) => a[0] - b[0]);
  const joined: Array<[number, number, number]> = [];
  for (const [start, end, otherEnd] of list) {
    const last = joined[joined.length - 1];
    if (last && start <= last[1]) {
      if (end > last[1]) [last[1], last[2]] = [end, otherEnd];
    } else joined.push([start, end, otherEnd]);
  }
  return joined;
}

/**
 * The stretches of `text` that read as a disguised key's prefix and body under a cipher, deciphered.
 * `runStarts[k]`: where an AWS id or Google key may start under RUN_PASSES[k]'s ciphers (RUN_PAIRS' pairs
 * of bit k, as offsets into `text`).
 */
export function cipheredStretches(text: string, runStarts: ReadonlyArray<readonly number[]>): CipheredStretch[] {
  if (text.length < SHORTEST) return [];
  const found: Found = new Map();
  for (let p = 0; p < PASSES.length; p++) {
    const [anchor, read, ciphers, separator] = PASSES[p];
    const ends = ENDS[separator];
    let runFrom = -1;
    let run: [number, number] = [-1, -1];
    for (let at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, at + 1)) {
      // The character before first: a letter (under ROT47, one a prefix ends with) or one taken for any.
      const before = letterBefore(text, at, read);
      if (before === NONE || (before !== ANY && (read === null ? !isLetter(before) : !ends.includes(before)))) continue;
      // Then the body: after most `_` and `-` of code and prose, none stands (a bracket, or words).
      const body = bodyFollows(text, at + 1, read, read === null ? KIND : KIND_ROT47, false);
      if (body === NO_BODY) continue;
      const tokens = tokensBefore(text, at, read);
      for (const prefix of ENDING[separator]) {
        for (const [cipher, table] of ciphers) {
          const m = matchBack(prefix, tokens, table);
          if (m === null || (cipher === 'caesar' && m.shift <= 0) || !(m.loose || body === LOOSE_BODY)) continue;
          // A separator inside a run already read ends where that run ends.
          if (!(at >= runFrom && at < run[0])) [runFrom, run] = [at, runEnd(text, at + 1, read)];
          addStretch(found, cipher === 'caesar' ? `caesar ${m.shift}` : cipher, m.start, run);
        }
      }
    }
  }
  runStretches(text, runStarts, found);
  const out: CipheredStretch[] = [];
  for (const [key, list] of found) {
    const [cipher, shift] = key.split(' ') as [CipherKind, string?];
    const decipher = cipher === 'caesar' ? (part: string) => caesar(part, 26 - Number(shift)) : cipher === 'rot47' ? rot47 : atbash;
    for (const [start, end, otherEnd] of joinOverlapping(list)) {
      const part = text.slice(start, end);
      out.push({ start, end, cipher, text: decipher(part) });
      if (otherEnd > start && otherEnd !== end) out.push({ start, end: Math.max(end, otherEnd), cipher, text: decipher(text.slice(start, otherEnd)) });
      // ROT47 turns letters into `"` and `\\`, which JSON text (tool call arguments) then escapes inside the key.
      if (cipher === 'rot47' && part.includes('\\')) out.push({ start, end, cipher, text: rot47InJson(part, 0).text });
    }
  }
  return out;
}
