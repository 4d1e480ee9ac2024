// Finds every secret and piece of personal data in the strings of a body: in each string read in its
// secret form (homoglyphs, fullwidth letters and invisible characters undone), inside what its encoded
// runs decode to, and across the boundary between neighbouring strings (a key split over two messages
// or two content parts). Pure.
import { NON_ASCII_RUN, secretForm, type FoldedText } from '../text/normalise.js';
import { findings, SHORTEST_MATCH, wordStarts, type Finding } from './classify.js';
import { keywordPass, type KeywordPass } from './keyword-pass.js';
import { asText, base32Runs, binaryRuns, DecodeBudget, encodedRuns } from '../text/encoded-runs.js';
import { isPrivateKeyDer } from './private-key-der.js';
import { lettersPerWord } from './checks.js';
import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import { builtStringRuns, keptFromBuilt, markupReadings } from './built-strings.js';
import { entityReadings, escapeRuns } from '../text/escapes.js';
import { stretchesAround } from '../text/stretches.js';
import { fromUnits, rot13, type Transformed } from '../text/substitutions.js';
import { apartFindings, prefixesAtEnd } from './prefix-apart.js';
import { LONGEST_PRINTABLE_SIGN, PRINTABLE_SIGN_PAIRS, printableSign, signHits, unscrambled, type Cipher, type Scramble } from './text-decoders.js';
import { shiftedReadings } from './shifted-keys.js';
import { cipheredStretches, type CipheredStretch } from './ciphered-keys.js';
import { interleavedRuns } from './interleaved-keys.js';
import { phoneticFindings } from './phonetic-keys.js';
import { firstAtOrAfter } from './offsets.js';
import { inSpacedRun, SCRAMBLES, spacedRunsNearPrefixes, speltFindings, speltIn, firstSpreadPrefix, type Turn } from './spelt-keys.js';
import type { Piece } from './walk.js';

export interface Span {
  piece: number;
  start: number;
  end: number;
}

export interface BodyFinding {
  dataClass: string;
  /** The detector that found it; for an encoded run, the detector that found something in what it decodes to. */
  kind: string;
  /** Where the finding sits; several spans when it crosses from one string into the next. */
  spans: Span[];
}

/** How far a window reaches into its neighbours: longer than any single-line credential. */
const WINDOW = 256;
/** How many neighbours a window spans each way, so a body of many tiny strings stays linear. */
const WINDOW_PIECES = 16;

export interface ScanLimits {
  /** Decoded bytes inspected per body, across all encoded runs. */
  decodedBytes: number;
}

/** The secret form of each piece, the text every detector reads. */
export function foldPieces(pieces: readonly Piece[]): FoldedText[] {
  return pieces.map((p) => secretForm(p.text));
}

/** `passes`: each string's keyword pass (keyword-pass.ts): its detector starts and spread-out prefixes' pairs. */
export function scanPieces(pieces: readonly Piece[], folded: readonly FoldedText[], passes: ReadonlyArray<Pick<KeywordPass, 'words' | 'spreadPairs' | 'runPairs'>>, limits: ScanLimits): BodyFinding[] {
  const out: BodyFinding[] = [];
  const budget = new DecodeBudget(limits.decodedBytes);
  const texts = folded.map((f) => f.text);
  const rotated = folded.map((f, i) => foldsRotated(f, pieces[i].text));
  texts.forEach((text, i) => {
    if (text.length === 0) return;
    for (const f of readString(text, budget, rotated[i], false, passes[i])) out.push({ dataClass: f.dataClass, kind: f.kind, spans: [{ piece: i, start: f.start, end: f.end }] });
    // A key with its prefix written apart from its body, as written only (prefix-apart.ts): in a deciphered
    // stretch of code, a word that turns into a prefix before a long identifier is no key.
    for (const f of apartFindings(text, passes[i].words.fixed)) out.push({ dataClass: f.dataClass, kind: f.kind, spans: [{ piece: i, start: f.start, end: f.end }] });
    for (const f of cipheredFindings(pieces[i].text, folded[i], passes[i].runPairs, budget)) out.push({ dataClass: f.dataClass, kind: f.kind, spans: [{ piece: i, start: f.start, end: f.end }] });
    for (const f of speltOverInvisibles(pieces[i].text, folded[i])) out.push({ dataClass: f.dataClass, kind: f.kind, spans: [{ piece: i, start: f.start, end: f.end }] });
  });
  // Empty strings are left out of the sequences: joining across one is joining its neighbours, and a body of
  // a million empty strings would otherwise cost a window per string.
  const values = pieces.map((_, i) => i).filter((i) => !pieces[i].key && texts[i].length > 0);
  // Neighbours in two sequences: every value, and values other than short enum words (role, type), so
  // that a key split over two turns is joined across the `"role": "user"` between them; in the second,
  // also across one string in between (a turn interposed between the halves).
  const content = values.filter((i) => !ENUM_WORD.test(pieces[i].text));
  const joined = [...acrossBoundaries(texts, values, 0), ...acrossBoundaries(texts, content, 0), ...acrossBoundaries(texts, content, 1), ...edgeJoins(texts, rotated, content, budget, passes)];
  // A match that only extends a finding of its class already made inside one string (an e-mail address
  // running on into the next string) is that finding, not a new one. One of another class is kept: a
  // key joined across two strings whose first half alone is a fragment must be masked whole. A fragment
  // made by joining runs on from a finding of any class (a whole key glued to the next string's digits).
  // Indexed by piece, so the check is not a scan of every finding for every joined one (quadratic).
  const withinByPiece = new Map<number, Array<Span & { dataClass: string }>>();
  for (const f of out) {
    for (const w of f.spans) {
      const list = withinByPiece.get(w.piece);
      if (list) list.push({ ...w, dataClass: f.dataClass });
      else withinByPiece.set(w.piece, [{ ...w, dataClass: f.dataClass }]);
    }
  }
  for (const f of joined) {
    const extendsOne = f.spans.some((s) => (withinByPiece.get(s.piece) ?? []).some((w) => (w.dataClass === f.dataClass || f.dataClass === 'secret.fragment') && w.start < s.end && s.start < w.end));
    if (!extendsOne) out.push(f);
  }
  return dedupe(out.map((f) => ({ ...f, spans: f.spans.map((s) => inOriginal(s, folded[s.piece])) })));
}

/** A span of a piece's secret form, as offsets into the piece's original text. */
function inOriginal(span: Span, folded: FoldedText): Span {
  return folded.origin ? { piece: span.piece, start: folded.origin[span.start], end: folded.origin[span.end] } : span;
}

const ENUM_WORD = /^[a-z][a-z_]{0,23}$/;


/**
 * Every finding in one string's secret form, by every reader: the detectors, what its encoded runs decode
 * to (nested), and, secrets only, its ROT13'd or reversed stretches, escapes and references written as
 * text and spelt-out runs, each reading read again by the spelt-out reader (a key spelt, then disguised).
 * `rotated` (foldsRotated) is the same text with the letters the fold produced ROT13'd, so that a text
 * ROT13'd after its homoglyphs were put in is read too. Also run on the edges of strings joined (edgeJoins),
 * there without the plain detector pass where the windows make it (`skipDetectors`).
 */
function readString(text: string, budget: DecodeBudget, rotated: Rotated | null = null, skipDetectors = false, pass?: Pick<KeywordPass, 'words' | 'spreadPairs' | 'runPairs'>): Finding[] {
  const out: Finding[] = [];
  // No reading of a string is longer than the string (decoding shrinks it, the turns keep its length): a
  // role, a model's name or a field's costs nothing.
  if (text.length < SHORTEST_MATCH) return out;
  // One keyword pass serves the detector table and the ROT13/reversal signs.
  const words = pass?.words ?? wordStarts(text);
  if (!skipDetectors) out.push(...findings(text, words));
  for (const run of [...encodedRuns(text, budget, notWords), ...base32Runs(text, budget), ...binaryRuns(text, budget)]) {
    for (const { dataClass, kind } of decodedFindings(run.bytes, budget, NESTING)) out.push({ dataClass, kind, start: run.start, end: run.end });
  }
  const secrets: Finding[] = [];
  // ROT13'd or reversed text, characters written twice or each after one separator, and escapes written as text: secrets only (their signs are credential prefixes).
  const interleaved = interleavedRuns(text);
  const scrambled = [...cipherReadings(text, words.signs, pass?.runPairs[0]), ...interleaved];
  // A key written twice or spelt with one separator after a cipher or a keyboard shift: the run read again.
  for (const run of interleaved) {
    for (const u of cipherReadings(run.text, undefined, undefined)) scrambled.push({ text: u.text, place: (s, e) => run.place(...u.place(s, e)) });
  }
  const turned: Finding[] = [];
  for (const [a, b] of rotated?.windows ?? []) {
    const part = rotated!.slice(a, b);
    for (const u of unscrambled(part, undefined, ROTATED)) scrambled.push({ text: u.text, place: (s, e) => u.place(s, e).map((x) => x + a) as [number, number] });
    for (const f of speltIn(part, ROTATED)) turned.push({ ...f, start: f.start + a, end: f.end + a });
  }
  for (const u of scrambled) {
    for (const f of [...findings(u.text), ...speltIn(u.text)]) {
      if (u.wholeKeys && f.dataClass === 'secret.fragment') continue;
      const [start, end] = u.place(f.start, f.end);
      secrets.push({ ...f, start, end });
    }
    // A URL (or any text) percent-encoded and then ciphered: its escapes read once deciphered.
    for (const f of percentDecoded(u.text, budget)) {
      const [start, end] = u.place(f.start, f.end);
      secrets.push({ ...f, start, end });
    }
  }
  for (const run of escapeRuns(text)) {
    const read = secretForm(run.text);
    for (const f of [...findings(read.text), ...speltIn(read.text), ...underCiphers(read, run.text), ...percentDecoded(read.text, budget)]) secrets.push({ ...f, start: run.start, end: run.end });
  }
  secrets.push(...builtFindings(text, budget));
  // A key read aloud, where words of the spelling alphabet stand close together (phonetic-keys.ts).
  secrets.push(...phoneticFindings(text, words.letterWords));
  for (const named of entityReadings(text)) {
    // What the references spell is read in its secret form too (a homoglyph written as `&#1040;`).
    const read = secretForm(named.text);
    for (const f of [...findings(read.text), ...speltIn(read.text), ...percentDecoded(read.text, budget)]) {
      const [start, end] = read.origin ? named.place(read.origin[f.start], read.origin[f.end]) : named.place(f.start, f.end);
      secrets.push({ ...f, start, end });
    }
  }
  secrets.push(...speltIn(text, SCRAMBLES, pass?.spreadPairs), ...turned);
  for (const f of secrets) if (f.dataClass.startsWith('secret.')) out.push(f);
  return out;
}

/**
 * The whole keys of a string's stretches that read as a disguised key under a cipher (ciphered-keys.ts), each
 * deciphered from the original (so that its letters outside ASCII, which the cipher left alone, are folded
 * after it, as they were put in before it) and read by every reader; each finding spans its whole stretch,
 * placed in the string's secret form.
 */
function cipheredFindings(original: string, folded: FoldedText, runPairs: ReadonlyArray<readonly number[]>, budget: DecodeBudget): Finding[] {
  const out: Finding[] = [];
  const origin = folded.origin;
  for (const stretch of stretchesOf(original, folded, runPairs)) {
    const read = secretForm(stretch.text);
    const [start, end] = origin === null ? [stretch.start, stretch.end] : [firstAtOrAfter(origin, stretch.start, folded.text.length), firstAtOrAfter(origin, stretch.end, folded.text.length)];
    for (const f of readString(read.text, budget, foldsRotated(read, stretch.text))) if (isWholeKey(f)) out.push({ ...f, start, end });
  }
  return out;
}

const IGNORABLE_RUN = /\p{Default_Ignorable_Code_Point}+/gu;
/** How far around an invisible character a string is read again: past any key spelt around one. */
const INVISIBLE_REACH = 256;

/**
 * A key spelt out with separators of which some are invisible (`A~K\u200bI\u200bA / 2`): the secret form
 * removes them and glues the characters around each into a group too long to be spelt (`KIA`), so the
 * stretches of a string around them are read again with each of them a space. Placed in the string's
 * secret form. Only a string with a character outside ASCII (a fold) can hold one.
 */
function speltOverInvisibles(original: string, folded: FoldedText): Finding[] {
  if (folded.origin === null) return [];
  const out: Finding[] = [];
  for (const [from, to] of stretchesAround(original, IGNORABLE_RUN, INVISIBLE_REACH)) {
    // Each unit a space, so the spaced stretch's offsets are the original's, less `from`.
    const spaced = secretForm(original.slice(from, to).replace(IGNORABLE_RUN, (run) => ' '.repeat(run.length)));
    const toFolded = (at: number) => firstAtOrAfter(folded.origin!, from + (spaced.origin === null ? at : spaced.origin[at]), folded.text.length);
    for (const f of speltIn(spaced.text)) out.push({ ...f, start: toFolded(f.start), end: toFolded(f.end) });
  }
  return out;
}

/** The ciphered stretches of a string, its keyword pass's run pairs (found in its secret form) placed in the original. */
function stretchesOf(original: string, folded: FoldedText, runPairs: ReadonlyArray<readonly number[]>): CipheredStretch[] {
  const origin = folded.origin;
  return cipheredStretches(original, origin === null ? runPairs : runPairs.map((list) => list.map((at) => origin[at])));
}

/**
 * A secret that is a whole key: what a loose reading (a ciphered stretch, a prefix read backwards) counts,
 * a fragment being what loose readings of code make (`der_x509` under a shift of 3 reads as a GitHub prefix
 * and four characters).
 */
const isWholeKey = (f: Finding): boolean => f.dataClass.startsWith('secret.') && f.dataClass !== 'secret.fragment';

/** ROT13, reversal, ROT47 and Atbash where their signs show (`signs`: a keyword pass's), and any shift by a prefix's shape. */
function cipherReadings(text: string, signs: number[] | undefined, capitalPairs: readonly number[] | undefined): Transformed[] {
  return [...unscrambled(text, signs), ...shiftedReadings(text, capitalPairs)];
}

/**
 * The findings in the strings a text builds as code and markup build them (built-strings.ts), placed in the
 * text: a joined or coded run's on the whole run, markup's on their own characters. Only a random key
 * counts there (keptFromBuilt).
 */
function builtFindings(text: string, budget: DecodeBudget): Finding[] {
  const out: Finding[] = [];
  for (const run of builtStringRuns(text)) {
    const read = secretForm(run.text).text;
    for (const f of [...findings(read), ...speltIn(read)]) if (keptFromBuilt(f.kind, read.slice(f.start, f.end))) out.push({ ...f, start: run.start, end: run.end });
    for (const f of percentDecoded(read, budget)) out.push({ ...f, start: run.start, end: run.end });
  }
  for (const reading of markupReadings(text)) {
    const read = secretForm(reading.text);
    for (const f of [...findings(read.text), ...speltIn(read.text), ...percentDecoded(read.text, budget)]) {
      if (!keptFromBuilt(f.kind, read.text.slice(f.start, f.end))) continue;
      const [start, end] = read.origin ? reading.place(read.origin[f.start], read.origin[f.end]) : reading.place(f.start, f.end);
      out.push({ ...f, start, end });
    }
  }
  return out;
}

/**
 * The secrets in what the percent escapes of another reader's text (a cipher undone, escapes or references
 * written as text, a string built from pieces) decode to, each spanning its run: a key put in a URL query
 * and then disguised again.
 */
function percentDecoded(text: string, budget: DecodeBudget): Finding[] {
  const out: Finding[] = [];
  if (!text.includes('%')) return out;
  for (const run of encodedRuns(text, budget, notWords)) {
    for (const { dataClass, kind } of decodedFindings(run.bytes, budget, NESTING)) if (dataClass.startsWith('secret.')) out.push({ dataClass, kind, start: run.start, end: run.end });
  }
  return out;
}

/**
 * A base64-shaped run worth decoding for secrets: not names and paths made of words (`getOwnPropertyNames`,
 * `/definitions/StringsType/oneOf`, four in five of the runs in installed packages' code), which have five
 * letters a word or more. Base64 of a key's text has under 3.2, of prose under 4.9 (100,000 of each drawn),
 * its letters being the encoding's, not the writer's. Base64 of capitals alone (an AWS key id in a `data:`
 * URI) is itself mostly capitals, read as few long words: a run of nine capitals is no word of a name.
 */
const notWords = (run: string): boolean => lettersPerWord(run) < 5 || /[A-Z]{9}/.test(run);

/** The scrambles that undo ROT13: for a text whose homoglyphs were put in before it was ROT13'd. */
const ROTATED: readonly Scramble[] = ['rot13', 'both'];

/** A text with folded letters turned, and the stretches around them worth reading (the rest is the text itself). */
export interface Rotated {
  /** The turned text's units from `start` to `end` (what `text.slice` of the whole turned text would give). */
  slice(start: number, end: number): string;
  windows: Array<[number, number]>;
}
/** How far around a turned letter its text is read: past a key spelt out with separators, or its prefix. */
const TURNED_REACH = 1024;

/**
 * The secret form with each letter the fold produced from a non-ASCII character ROT13'd; null when the
 * fold produced none. ROT13 turns only ASCII letters, so a key given homoglyphs and then ROT13'd has its
 * folded letters unturned: turned here, undoing ROT13 reads the key whole. Only the stretches around
 * turned letters are read again (code with a `µs` in a comment is not read twice whole), and only what is
 * read is built: a copy of the whole text for one `µ` cost a tenth of classifying 64 KB of code.
 */
export function foldsRotated(folded: FoldedText, original: string): Rotated | null {
  if (folded.origin === null) return null;
  const { text, origin } = folded;
  // Ascending: the runs are found in order, and each run's units follow the last.
  const turned: number[] = [];
  const windows: Array<[number, number]> = [];
  // Only what the fold produced can be turned: the units whose original is a non-ASCII run, found by a
  // native search and a binary search in `origin` (ascending), not by a walk over every unit of the text.
  const runs = new RegExp(NON_ASCII_RUN.source, 'g');
  for (let m = runs.exec(original); m !== null; m = runs.exec(original)) {
    const end = firstAtOrAfter(origin, m.index + m[0].length, text.length);
    for (let k = firstAtOrAfter(origin, m.index, text.length); k < end; k++) {
      const c = text.charCodeAt(k);
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) continue;
      turned.push(k);
      const [a, b] = [Math.max(0, k - TURNED_REACH), Math.min(text.length, k + TURNED_REACH)];
      const last = windows[windows.length - 1];
      if (last && a <= last[1]) last[1] = b;
      else windows.push([a, b]);
    }
  }
  if (turned.length === 0) return null;
  const slice = (start: number, end: number): string => {
    [start, end] = [Math.max(0, Math.min(start, text.length)), Math.max(0, Math.min(end, text.length))];
    let t = firstAtOrAfter(turned, start);
    if (t === turned.length || turned[t] >= end) return text.slice(start, end);
    const units = new Uint16Array(Math.max(0, end - start));
    for (let j = start; j < end; j++) units[j - start] = text.charCodeAt(j);
    for (; t < turned.length && turned[t] < end; t++) units[turned[t] - start] = rot13(text[turned[t]]).charCodeAt(0);
    return fromUnits(units);
  };
  return { slice, windows };
}



/** Encodings inside encodings read: three levels in all (base64 of base64 of base64). */
const NESTING = 2;
/** The most bytes one gzip or deflate stream inside an encoded run may inflate to (and never more than the budget). */
const INFLATED_BYTES = 1 << 20;

/** gzip or zlib-wrapped deflate (their headers), inflated within the budget; null when not compressed or unreadable. */
function inflated(bytes: Buffer, budget: DecodeBudget): Buffer | null {
  const gzip = bytes.length > 18 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const zlib = bytes.length > 6 && (bytes[0] & 0x0f) === 8 && (bytes[0] * 256 + bytes[1]) % 31 === 0;
  if (!gzip && !zlib) return null;
  const max = Math.min(INFLATED_BYTES, budget.remaining);
  if (max <= 0) return null;
  try {
    // A gzip member's deflate stream is inflated raw: the run it was decoded from may carry bytes after
    // it (a word read as a last base64 line), which gunzip refuses as a second member and inflate ignores.
    const out = gzip ? inflateRawSync(bytes.subarray(gzipHeaderLength(bytes)), { maxOutputLength: max, finishFlush: constants.Z_SYNC_FLUSH }) : inflateSync(bytes, { maxOutputLength: max, finishFlush: constants.Z_SYNC_FLUSH });
    budget.remaining -= out.length;
    return out;
  } catch {
    // Truncated, corrupt, or past the cap (a compression bomb): not read further.
    return null;
  }
}

/** RFC 1952: ten bytes, then the optional extra field, name, comment and header CRC its flags announce. */
function gzipHeaderLength(bytes: Buffer): number {
  const flags = bytes[3];
  let at = 10;
  if (flags & 4) at += 2 + bytes.readUInt16LE(at);
  if (flags & 8) at = bytes.indexOf(0, at) + 1;
  if (flags & 16) at = bytes.indexOf(0, at) + 1;
  if (flags & 2) at += 2;
  return at;
}

function decodedFindings(bytes: Buffer, budget: DecodeBudget, nesting: number): Array<{ dataClass: string; kind: string }> {
  const plain = inflated(bytes, budget);
  if (plain) return decodedFindings(plain, budget, nesting);
  if (isPrivateKeyDer(bytes)) return [{ dataClass: 'secret.private_key', kind: 'privateKey' }];
  const decoded = asText(bytes);
  if (decoded === null) return [];
  // What an encoding holds is read in its secret form, as a string is (homoglyphs, invisible characters).
  const folded = secretForm(decoded);
  const text = folded.text;
  const found = findings(text).map(({ dataClass, kind }) => ({ dataClass, kind }));
  for (const run of spacedRunsNearPrefixes(text)) for (const { dataClass, kind } of speltFindings(run.text)) found.push({ dataClass, kind });
  for (const { dataClass, kind } of underCiphers(folded, decoded)) found.push({ dataClass, kind });
  if (nesting > 0) for (const run of encodedRuns(text, budget, notWords)) found.push(...decodedFindings(run.bytes, budget, nesting - 1));
  return found;
}

/**
 * The whole keys of a text another reader decoded (an encoded run, escapes written as text) under a cipher:
 * a key ROT13'd, shifted, ROT47'd, mirrored or reversed and then encoded (`base64(rot13(key))`) is a key
 * under a cipher once decoded. Its findings are placed on the text's start (the caller spans its whole run).
 * `original`: the decoded text before its fold, which the loosely read ciphers decipher.
 */
function underCiphers(folded: FoldedText, original: string): Finding[] {
  const out: Finding[] = [];
  const pass = keywordPass(folded.text);
  const readings = cipherReadings(folded.text, pass.words.signs, pass.runPairs[0]).map((u) => u.text);
  for (const stretch of stretchesOf(original, folded, pass.runPairs)) readings.push(secretForm(stretch.text).text);
  for (const reading of readings) {
    for (const f of [...findings(reading), ...speltIn(reading)]) if (isWholeKey(f)) out.push({ ...f, start: 0, end: 0 });
  }
  return out;
}

/** A stretch of a string with its folded letters turned (foldsRotated), or as it is where it has none. */
function turnedSlice(text: string, rotated: Rotated | null, start: number, end: number): string {
  return rotated === null ? text.slice(start, end) : rotated.slice(start, end);
}

/** Findings that only exist when neighbouring strings are read as one text. */
function acrossBoundaries(texts: readonly string[], order: number[], skip: number): BodyFinding[] {
  const out: BodyFinding[] = [];
  for (let b = 1; b + skip < order.length; b++) {
    const segments = windowAround(texts, order, b, skip);
    const text = segments.map((s) => s.text).join('');
    const boundary = segments.filter((s) => s.side === 'left').reduce((n, s) => n + s.text.length, 0);
    // Only a finding that starts on the left can cross the boundary.
    for (const f of findings(text, undefined, boundary)) {
      if (f.end <= boundary) continue;
      out.push({ dataClass: f.dataClass, kind: f.kind, spans: spansOf(segments, f.start, f.end) });
    }
  }
  return out;
}

/** How many strings apart the halves of a key may be (several turns, each with its own words) for edgeJoins. */
const EDGE_TURNS = 8;
/** The longest run at a string's edge that edgeJoins reads: past any single-line credential or its base64. */
const EDGE_RUN = 512;
// `%` too, so that percent-encoding cut across two strings is joined and decoded (with `* ! ' ( )`, which
// encodeURIComponent leaves as they are); `& # ; \\` for references and escapes written as text.
const isKeyChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 95 || c === 45 || c === 37 || c === 38 || c === 35 || c === 59 || c === 92 || c === 42 || c === 33 || c === 39 || c === 40 || c === 41;
/** How far each side of a join a spread-out prefix spanning it is looked for: a prefix of eleven characters spelt with separators of up to six. */
const JOIN_EDGE = 64;
const keyCharAt = (text: string, i: number) => isKeyChar(text.charCodeAt(i));
/** Where the run of characters `isIn` takes that ends a text starts (at most `max` of them). */
function runEndingAt(text: string, max: number, isIn: (text: string, i: number) => boolean): number {
  let s = text.length;
  while (s > 0 && text.length - s < max && isIn(text, s - 1)) s--;
  return s;
}
/** Where the run of characters `isIn` takes that starts a text ends (at most `max` of them). */
function runStartingAt(text: string, max: number, isIn: (text: string, i: number) => boolean): number {
  let e = 0;
  while (e < text.length && e < max && isIn(text, e)) e++;
  return e;
}
/** The longest spelt-out stretch at a string's edge that edgeJoins reads (a key spelt with separators of up to three characters). */
const EDGE_SPELT = 320;

/**
 * Halves of a key several turns apart, and base64 of a key cut across two strings: the run of key
 * characters that ends one string joined with the run that starts each of the next EDGE_TURNS strings,
 * read by the detectors (secrets only, crossing the join) and, when the joined run is base64, decoded.
 * Only edge runs are read, so the cost is one short text per pair, not a window of each. `passes`: each
 * string's keyword pass, whose pairs a tail's search for a spread-out prefix starts from.
 */
function edgeJoins(texts: readonly string[], rotated: ReadonlyArray<Rotated | null>, order: number[], budget: DecodeBudget, passes: ReadonlyArray<Pick<KeywordPass, 'spreadPairs' | 'words'>>): BodyFinding[] {
  const out: BodyFinding[] = [];
  // One string has no edges to join (a single-turn prompt: its edges were walked and read for nothing).
  if (order.length < 2) return out;
  const tails = order.map((p) => runEndingAt(texts[p], EDGE_RUN, keyCharAt));
  const heads = order.map((p) => runStartingAt(texts[p], EDGE_RUN, keyCharAt));
  // Spelt-out keys (`g h p _ a 1 …`, `ghp_-a1B2-…`) cut across strings: the spaced stretch ending one string
  // joined with the one starting each of the next strings, read as spelt runs. Most pairs are skipped
  // unseen: only where either stretch holds a spread-out prefix, or one spans the join (its edges, JOIN_EDGE
  // characters each), is the joined stretch read.
  const spacedTails = order.map((p) => runEndingAt(texts[p], EDGE_SPELT, inSpacedRun));
  const spacedHeads = order.map((p) => runStartingAt(texts[p], EDGE_SPELT, inSpacedRun));
  const tailHoldsPrefix = order.map((p, b) => firstSpreadPrefix(texts[p], spacedTails[b], passes[p].spreadPairs) !== null);
  // A reversed key carries its prefix at its end, in the later string.
  // The head's own pairs from its string's keyword pass: those a scan of the head alone would try (it stops two short of its end).
  const headHoldsPrefix = order.map((p, c) => {
    const pairs = passes[p].spreadPairs;
    const within = firstAtOrAfter(pairs, spacedHeads[c] - 2);
    return within > 0 && firstSpreadPrefix(texts[p].slice(0, spacedHeads[c]), 0, within === pairs.length ? pairs : pairs.slice(0, within)) !== null;
  });
  for (let b = 0; b < order.length; b++) {
    const left = texts[order[b]].slice(spacedTails[b]);
    if (left.length === 0) continue;
    for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) {
      if (spacedHeads[c] === 0) continue;
      const right = texts[order[c]].slice(0, spacedHeads[c]);
      const readings: Array<[string, readonly Turn[]]> = [];
      if (tailHoldsPrefix[b] || headHoldsPrefix[c] || firstSpreadPrefix(left.slice(-JOIN_EDGE) + right.slice(0, JOIN_EDGE), 0) !== null) readings.push([left + right, SCRAMBLES]);
      // With folded letters turned (foldsRotated), where either string has one: same lengths, so the same spans.
      const [rb, rc] = [rotated[order[b]], rotated[order[c]]];
      if (rb !== null || rc !== null) readings.push([turnedSlice(texts[order[b]], rb, spacedTails[b], Infinity) + turnedSlice(texts[order[c]], rc, 0, spacedHeads[c]), ROTATED]);
      for (const [text, turns] of readings) {
        for (const run of spacedRunsNearPrefixes(text)) {
          if (run.start >= left.length || run.end <= left.length) continue;
          const found = speltFindings(run.text, turns);
          const spans: Span[] = [{ piece: order[b], start: spacedTails[b] + run.start, end: texts[order[b]].length }, { piece: order[c], start: 0, end: run.end - left.length }];
          for (const f of found) out.push({ dataClass: f.dataClass, kind: f.kind, spans });
        }
      }
    }
  }
  out.push(...builtAcross(texts, order, budget), ...printableAcross(texts, order, passes, budget), ...spokenAcross(texts, order, passes), ...apartAcross(texts, order));
  for (let b = 0; b < order.length; b++) {
    const left = texts[order[b]].slice(tails[b]);
    if (left.length === 0) continue;
    for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) {
      // Shorter than any key the detectors find whole: many short strings cost nothing here.
      if (heads[c] === 0 || left.length + heads[c] < 16) continue;
      const right = texts[order[c]].slice(0, heads[c]);
      const text = left + right;
      const spans = (start: number, end: number): Span[] => {
        const out: Span[] = [];
        if (start < left.length) out.push({ piece: order[b], start: tails[b] + start, end: tails[b] + Math.min(end, left.length) });
        if (end > left.length) out.push({ piece: order[c], start: Math.max(start, left.length) - left.length, end: end - left.length });
        return out;
      };
      // Every reader a string has, on the joined edges (a ROT13'd key, escapes or references cut in two);
      // neighbours and strings one apart are read whole by the windows' detector pass already.
      // The edges of the texts with folded letters turned (foldsRotated), where either has one: same lengths.
      const turned = rotated[order[b]] ?? rotated[order[c]] ? turnedSlice(texts[order[b]], rotated[order[b]], tails[b], Infinity) + turnedSlice(texts[order[c]], rotated[order[c]], 0, heads[c]) : null;
      for (const f of readString(text, budget, turned === null ? null : { slice: (a, z) => turned.slice(a, z), windows: [[0, turned.length]] }, c <= b + 2)) {
        if (f.dataClass.startsWith('secret.') && f.dataClass !== 'secret.fragment' && f.start < left.length && f.end > left.length) out.push({ dataClass: f.dataClass, kind: f.kind, spans: spans(f.start, f.end) });
      }
    }
  }
  return out;
}

/** Printable ASCII but the space: every character of a ROT47'd key or one typed to the side. */
const PRINTABLE_RUN_END = /[!-~]*$/y;
const PRINTABLE_RUN_START = /^[!-~]{1,512}/;
const printableAt = (text: string, i: number) => text.charCodeAt(i) >= 33 && text.charCodeAt(i) <= 126;

/**
 * A key ROT47'd or typed one key to the side, cut across strings: its characters are any printable ones, so
 * the edges edgeJoins reads (key characters) stop inside it. Where a string's last run of printable
 * characters holds such a sign (its keyword pass found it), that run joined with the first run of each of
 * the next EDGE_TURNS strings is read transformed back; only a key crossing the join counts.
 */
/** Words of the spelling alphabet within SPOKEN_NEAR of a string's end (and of a later one's start) that make their edges joined. */
const SPOKEN_NEAR = 200;
const SPOKEN_NEAR_WORDS = 3;
/** How much of each edge a key read aloud across two strings is read from: forty characters said, `capital` before each. */
const SPOKEN_EDGE = 1600;

/**
 * A key read aloud and cut across strings (phonetic-keys.ts): where a string ends and a later one (at most
 * EDGE_TURNS on) starts near a word of the spelling alphabet, their edges are joined by a line break and read;
 * a key found across the join is kept, on both.
 */
function spokenAcross(texts: readonly string[], order: number[], passes: ReadonlyArray<Pick<KeywordPass, 'words'>>): BodyFinding[] {
  const out: BodyFinding[] = [];
  const endsSpoken = order.map((p) => {
    const hits = passes[p].words.letterWords;
    return hits.length >= SPOKEN_NEAR_WORDS && texts[p].length - hits[hits.length - SPOKEN_NEAR_WORDS] <= SPOKEN_NEAR;
  });
  const startsSpoken = order.map((p) => {
    const hits = passes[p].words.letterWords;
    return hits.length >= SPOKEN_NEAR_WORDS && hits[SPOKEN_NEAR_WORDS - 1] <= SPOKEN_NEAR;
  });
  for (let b = 0; b + 1 < order.length; b++) {
    if (!endsSpoken[b]) continue;
    const text = texts[order[b]];
    const at = Math.max(0, text.length - SPOKEN_EDGE);
    const left = text.slice(at) + '\n';
    // The words' places in the joined edges, from each string's own pass (none crosses the line break).
    const leftHits = passes[order[b]].words.letterWords.filter((h) => h >= at).map((h) => h - at);
    for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) {
      if (!startsSpoken[c]) continue;
      const right = texts[order[c]].slice(0, SPOKEN_EDGE);
      const hits = [...leftHits, ...passes[order[c]].words.letterWords.filter((h) => h < right.length).map((h) => h + left.length)];
      for (const f of phoneticFindings(left + right, hits)) {
        if (f.start >= left.length - 1 || f.end <= left.length) continue;
        out.push({ dataClass: f.dataClass, kind: f.kind, spans: [{ piece: order[b], start: at + f.start, end: text.length }, { piece: order[c], start: 0, end: f.end - left.length }] });
      }
    }
  }
  return out;
}

/** How much of a later string's start the body of a prefix ending an earlier one is read from. */
const APART_HEAD = 512;

/**
 * A key whose prefix ends one string and whose body starts a later one (at most EDGE_TURNS on), words between
 * or not (`prefix: ghp_` then `and the rest: a1B2…`): the earlier string's end and the later one's start,
 * joined by a line break, read by prefix-apart.ts; a key reaching into the later string is kept, on both.
 */
function apartAcross(texts: readonly string[], order: number[]): BodyFinding[] {
  const out: BodyFinding[] = [];
  for (let b = 0; b + 1 < order.length; b++) {
    const text = texts[order[b]];
    const starts = prefixesAtEnd(text);
    if (starts.length === 0) continue;
    const at = starts[0];
    const left = text.slice(at) + '\n';
    for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) {
      const right = texts[order[c]].slice(0, APART_HEAD);
      for (const f of apartFindings(left + right, starts.map((s) => s - at))) {
        if (f.end <= left.length) continue;
        out.push({ dataClass: f.dataClass, kind: f.kind, spans: [{ piece: order[b], start: at + f.start, end: text.length }, { piece: order[c], start: 0, end: f.end - left.length }] });
      }
    }
  }
  return out;
}

function printableAcross(texts: readonly string[], order: number[], passes: ReadonlyArray<Pick<KeywordPass, 'words'>>, budget: DecodeBudget): BodyFinding[] {
  const out: BodyFinding[] = [];
  // The sign in one string, what it deciphers in either: a key reaching past the join (into the string read
  // backwards from the sign's, or the one after it) counts, since it needed the other string's sign to be read.
  const read = (b: number, c: number, left: string, at: number, right: string, kind: Cipher, backwards: boolean) => {
    for (const u of unscrambled(left + right, undefined, [kind])) {
      // A URL ciphered holds its key percent-encoded.
      for (const f of [...findings(u.text), ...percentDecoded(u.text, budget)]) {
        const [start, end] = u.place(f.start, f.end);
        if (!f.dataClass.startsWith('secret.') || (backwards ? start >= left.length : end <= left.length)) continue;
        const spans: Span[] = [];
        if (start < left.length) spans.push({ piece: order[b], start: at + start, end: at + Math.min(end, left.length) });
        if (end > left.length) spans.push({ piece: order[c], start: Math.max(start, left.length) - left.length, end: end - left.length });
        out.push({ dataClass: f.dataClass, kind: f.kind, spans });
      }
    }
  };
  // Each string's first and last run of printable characters (at most EDGE_RUN), where a ciphered run cut across strings stands.
  const heads = order.map((p) => PRINTABLE_RUN_START.exec(texts[p])?.[0] ?? '');
  const tails = order.map((p) => texts[p].slice(runEndingAt(texts[p], EDGE_RUN, printableAt)));
  for (let b = 0; b + 1 < order.length; b++) {
    const text = texts[order[b]];
    const hits = passes[order[b]].words.signs;
    const from = new Map<Cipher, number>();
    for (let h = 0; h < hits.length; h += 2) {
      const sign = printableSign(hits[h]);
      if (sign === null || sign[2] || text.length - hits[h + 1] > EDGE_RUN) continue;
      PRINTABLE_RUN_END.lastIndex = hits[h + 1] - sign[1];
      if (PRINTABLE_RUN_END.test(text)) from.set(sign[0], hits[h + 1] - sign[1]);
    }
    for (const [kind, at] of from) {
      const left = text.slice(at);
      for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) if (heads[c].length > 0) read(b, c, left, at, heads[c], kind, false);
    }
  }
  // A sign cut in two by the join: read on the joined edges, each string's last and first few characters.
  const edge = LONGEST_PRINTABLE_SIGN - 1;
  for (let b = 0; b + 1 < order.length; b++) {
    const tail = tails[b];
    if (tail.length === 0) continue;
    const at = texts[order[b]].length - tail.length;
    const leftEdge = tail.slice(-edge);
    for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) {
      const head = heads[c];
      if (head.length === 0 || !PRINTABLE_SIGN_PAIRS.has(leftEdge[leftEdge.length - 1] + head[0])) continue;
      const hits = signHits(leftEdge + head.slice(0, edge));
      for (let h = 0; h < hits.length; h += 2) {
        const sign = printableSign(hits[h]);
        const end = hits[h + 1];
        if (sign === null || end - sign[1] >= leftEdge.length || end <= leftEdge.length) continue;
        // Forwards, the text starts at the sign; backwards, it ends there.
        const from = tail.length - (leftEdge.length - (end - sign[1]));
        if (sign[2]) read(b, c, tail, at, head.slice(0, end - leftEdge.length), sign[0], true);
        else read(b, c, tail.slice(from), at + from, head, sign[0], false);
      }
    }
  }
  // Read backwards (a URL reversed), the sign ends the text: in the first run of a later string.
  for (let c = 1; c < order.length; c++) {
    const hits = passes[order[c]].words.signs;
    const to = new Map<Cipher, number>();
    for (let h = 0; h < hits.length; h += 2) {
      const sign = printableSign(hits[h]);
      if (sign !== null && sign[2] && hits[h + 1] <= heads[c].length) to.set(sign[0], hits[h + 1]);
    }
    for (const [kind, end] of to) {
      const right = heads[c].slice(0, end);
      for (let b = Math.max(0, c - EDGE_TURNS); b < c; b++) if (tails[b].length > 0) read(b, c, tails[b], texts[order[b]].length - tails[b].length, right, kind, true);
    }
  }
  return out;
}

interface Segment {
  piece: number;
  /** Offset of `text` within the piece. */
  offset: number;
  text: string;
  side: 'left' | 'right';
}

/** The strings before `boundary` and those after it (leaving out `skip` strings), up to a window each way. */
// The edge of a string a build cut across strings can stand in: its last line (first, in the later string),
// at most EDGE_RUN characters, where it shows a build (a quote, a tag, a number list) and is cut inside one.
// A last line is cut open (`OPEN`) when it ends with a join awaiting its next piece (`+`, a comma, a
// number, a hex code or its `0x`, a number and a space: character codes spaced out), within a literal or
// tag left open, or at most a few characters after a tag; closed (`CLOSED`) after a whole literal, which a
// first line starting with a join or a tag (`JOIN`) continues. A first line continues an open one when it
// starts with a join, a digit, the rest of a hex code (`x41`, `f 65`) or a tag, or closes a literal or tag. A turn of
// code or prose ends with `;`, `)` or a full stop, and is not read again.
const BUILD_SIGN = /["'`<]|\d\s*,|,\s*\d|(?:0[xX][0-9A-Fa-f]{2,6}|\d{2,7})\s+(?:0[xX][0-9A-Fa-f]{2,6}|\d{2,7})\b/;
const OPEN = /(?:[+,]\s*|,\s*\d+|[<"'`][^<>"'`\n]{0,80}|>[^<>\s]{0,6}|\b0[xX][0-9A-Fa-f]*\s*|\d\s+)$/;
const CLOSED = /["'`]\s*$/;
const JOIN = /^\s*[+,<]/;
const CONTINUES = /^\s*(?:[+,\d<]|[xX]?[0-9A-Fa-f]{1,6}[\s,]|[^<>"'`\n]{0,80}["'`>]|[^<>\s]{1,6}<)/;
type Cut = 'open' | 'closed' | null;
const NUMBER_END = /(?:\d|\b0[xX][0-9A-Fa-f]*)$/;
function lastLine(text: string): { from: number; cut: Cut } {
  const from = Math.max(text.lastIndexOf('\n') + 1, text.length - EDGE_RUN);
  const line = text.slice(from);
  // A number (or a hex code's `0x`) ends a code list cut after its first code, before any comma or second code shows the list.
  const cut: Cut = NUMBER_END.test(line) ? 'open' : !BUILD_SIGN.test(line) ? null : OPEN.test(line) ? 'open' : CLOSED.test(line) ? 'closed' : null;
  return { from, cut };
}
function firstLine(text: string): { to: number; join: boolean; continues: boolean } {
  const nl = text.indexOf('\n');
  const line = text.slice(0, Math.min(nl < 0 ? text.length : nl, EDGE_RUN));
  const sign = BUILD_SIGN.test(line);
  return { to: line.length, join: sign && JOIN.test(line), continues: sign && CONTINUES.test(line) };
}

/**
 * A key built as code or markup builds strings (built-strings.ts) cut across strings several turns apart:
 * the last line of one string joined with the first line of each of the next EDGE_TURNS, where both show a
 * build, read by the built readers; only a build that crosses the join counts (each line alone was read).
 */
function builtAcross(texts: readonly string[], order: number[], budget: DecodeBudget): BodyFinding[] {
  const out: BodyFinding[] = [];
  const tails = order.map((p) => lastLine(texts[p]));
  const heads = order.map((p) => firstLine(texts[p]));
  for (let b = 0; b < order.length; b++) {
    const { from, cut } = tails[b];
    if (cut === null) continue;
    const left = texts[order[b]].slice(from);
    for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) {
      const head = heads[c];
      if (!(cut === 'open' ? head.continues : head.join)) continue;
      const text = left + texts[order[c]].slice(0, head.to);
      const spans = (start: number, end: number): Span[] => [
        { piece: order[b], start: from + Math.min(start, left.length), end: texts[order[b]].length },
        { piece: order[c], start: 0, end: Math.max(0, end - left.length) },
      ];
      for (const f of builtFindings(text, budget)) {
        if (f.dataClass.startsWith('secret.') && f.start < left.length && f.end > left.length) out.push({ dataClass: f.dataClass, kind: f.kind, spans: spans(f.start, f.end) });
      }
    }
  }
  return out;
}

function windowAround(texts: readonly string[], order: number[], boundary: number, skip: number): Segment[] {
  const left: Segment[] = [];
  for (let k = boundary - 1, room = WINDOW; k >= 0 && k >= boundary - WINDOW_PIECES && room > 0; k--) {
    const text = texts[order[k]];
    const take = Math.min(room, text.length);
    left.unshift({ piece: order[k], offset: text.length - take, text: text.slice(text.length - take), side: 'left' });
    room -= take;
  }
  const right: Segment[] = [];
  for (let k = boundary + skip, room = WINDOW; k < order.length && k < boundary + skip + WINDOW_PIECES && room > 0; k++) {
    const text = texts[order[k]];
    const take = Math.min(room, text.length);
    right.push({ piece: order[k], offset: 0, text: text.slice(0, take), side: 'right' });
    room -= take;
  }
  return [...left, ...right];
}

function spansOf(segments: Segment[], start: number, end: number): Span[] {
  const spans: Span[] = [];
  let at = 0;
  for (const s of segments) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + s.text.length);
    if (from < to) spans.push({ piece: s.piece, start: s.offset + from - at, end: s.offset + to - at });
    at += s.text.length;
  }
  return spans;
}

function dedupe(found: BodyFinding[]): BodyFinding[] {
  const seen = new Set<string>();
  return found.filter((f) => {
    const key = f.dataClass + JSON.stringify(f.spans);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
