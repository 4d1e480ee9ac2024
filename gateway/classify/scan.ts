// Finds every secret and piece of personal data in the strings of a body: in each string read in its
// secret form (homoglyphs, fullwidth letters and invisible characters undone), inside what its encoded
// runs decode to, and across the boundary between neighbouring strings (a key split over two messages
// or two content parts). Pure.
import { secretForm, type FoldedText } from '../text/normalise.js';
import { findings, wordStarts, type Finding } from './classify.js';
import { asText, DecodeBudget, encodedRuns } from '../text/encoded-runs.js';
import { isPrivateKeyDer } from './private-key-der.js';
import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import { base32Runs, entityReading, escapeRuns, fromUnits, reversed, rot13, unscrambled, type Scramble } from './text-decoders.js';
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

export function scanPieces(pieces: readonly Piece[], folded: readonly FoldedText[], limits: ScanLimits): BodyFinding[] {
  const out: BodyFinding[] = [];
  const budget = new DecodeBudget(limits.decodedBytes);
  const texts = folded.map((f) => f.text);
  const rotated = folded.map((f, i) => foldsRotated(f, pieces[i].text));
  texts.forEach((text, i) => {
    if (text.length === 0) return;
    for (const f of readString(text, budget, rotated[i])) out.push({ dataClass: f.dataClass, kind: f.kind, spans: [{ piece: i, start: f.start, end: f.end }] });
  });
  // Empty strings are left out of the sequences: joining across one is joining its neighbours, and a body of
  // a million empty strings would otherwise cost a window per string.
  const values = pieces.map((_, i) => i).filter((i) => !pieces[i].key && texts[i].length > 0);
  // Neighbours in two sequences: every value, and values other than short enum words (role, type), so
  // that a key split over two turns is joined across the `"role": "user"` between them; in the second,
  // also across one string in between (a turn interposed between the halves).
  const content = values.filter((i) => !ENUM_WORD.test(pieces[i].text));
  const joined = [...acrossBoundaries(texts, values, 0), ...acrossBoundaries(texts, content, 0), ...acrossBoundaries(texts, content, 1), ...edgeJoins(texts, rotated, content, budget)];
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
function readString(text: string, budget: DecodeBudget, rotated: Rotated | null = null, skipDetectors = false): Finding[] {
  const out: Finding[] = [];
  // One keyword pass serves the detector table and the ROT13/reversal signs.
  const words = wordStarts(text);
  if (!skipDetectors) out.push(...findings(text, words));
  for (const run of [...encodedRuns(text, budget), ...base32Runs(text, budget)]) {
    for (const { dataClass, kind } of decodedFindings(run.bytes, budget, NESTING)) out.push({ dataClass, kind, start: run.start, end: run.end });
  }
  const secrets: Finding[] = [];
  // ROT13'd or reversed text and escapes written as text: secrets only (their signs are credential prefixes).
  const scrambled = unscrambled(text, words.signs);
  const turned: Finding[] = [];
  for (const [a, b] of rotated?.windows ?? []) {
    const part = rotated!.text.slice(a, b);
    for (const u of unscrambled(part, undefined, ROTATED)) scrambled.push({ text: u.text, place: (s, e) => u.place(s, e).map((x) => x + a) as [number, number] });
    for (const f of speltIn(part, ROTATED)) turned.push({ ...f, start: f.start + a, end: f.end + a });
  }
  for (const u of scrambled) {
    for (const f of [...findings(u.text), ...speltIn(u.text)]) {
      const [start, end] = u.place(f.start, f.end);
      secrets.push({ ...f, start, end });
    }
  }
  for (const run of escapeRuns(text)) {
    const read = secretForm(run.text).text;
    for (const f of [...findings(read), ...speltIn(read)]) secrets.push({ ...f, start: run.start, end: run.end });
  }
  secrets.push(...speltIn(text), ...turned);
  const named = entityReading(text);
  if (named) {
    // What the references spell is read in its secret form too (a homoglyph written as `&#1040;`).
    const read = secretForm(named.text);
    for (const f of [...findings(read.text), ...speltIn(read.text)]) {
      const [start, end] = read.origin ? named.place(read.origin[f.start], read.origin[f.end]) : named.place(f.start, f.end);
      secrets.push({ ...f, start, end });
    }
  }
  for (const f of secrets) if (f.dataClass.startsWith('secret.')) out.push(f);
  return out;
}

/** The scrambles that undo ROT13: for a text whose homoglyphs were put in before it was ROT13'd. */
const ROTATED: readonly Scramble[] = ['rot13', 'both'];

/** A text with folded letters turned, and the stretches around them worth reading (the rest is the text itself). */
interface Rotated {
  text: string;
  windows: Array<[number, number]>;
}
/** How far around a turned letter its text is read: past a key spelt out with separators, or its prefix. */
const TURNED_REACH = 1024;

/**
 * The secret form with each letter the fold produced from a non-ASCII character ROT13'd; null when the
 * fold produced none. ROT13 turns only ASCII letters, so a key given homoglyphs and then ROT13'd has its
 * folded letters unturned: turned here, undoing ROT13 reads the key whole. Only the stretches around
 * turned letters are read again (code with a `µs` in a comment is not read twice whole).
 */
function foldsRotated(folded: FoldedText, original: string): Rotated | null {
  if (folded.origin === null) return null;
  const text = folded.text;
  let units: Uint16Array | null = null;
  const windows: Array<[number, number]> = [];
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!letter || original.charCodeAt(folded.origin[k]) < 128) continue;
    if (units === null) {
      units = new Uint16Array(text.length);
      for (let j = 0; j < text.length; j++) units[j] = text.charCodeAt(j);
    }
    units[k] = rot13(text[k]).charCodeAt(0);
    const [a, b] = [Math.max(0, k - TURNED_REACH), Math.min(text.length, k + TURNED_REACH)];
    const last = windows[windows.length - 1];
    if (last && a <= last[1]) last[1] = b;
    else windows.push([a, b]);
  }
  return units === null ? null : { text: fromUnits(units), windows };
}

// A key spelt out with separators ("A K I A …", "AKIA-IOSF-ODNN-…"): runs of short groups are read
// with the separators removed, for the formats that start with a fixed prefix only (a keyword or an
// entropy test on joined-up prose would find what is not there).
// At most SPACED_GROUPS groups a match: an unbounded {3,} over a megabyte of short groups overflows the
// regular expression engine's backtracking stack ("Maximum call stack size exceeded"). A longer run is
// read in overlapping chunks (spacedRuns), so a key anywhere in it still falls wholly inside one chunk.
const SPACED_GROUPS = 256;
// Separator runs of up to sixteen: a key's own `_` or `-` standing between two separators, with invisible
// characters removed beside them (`e | \u200d | _ | 7` reads `e |  | _ | 7`), makes runs of ten and more.
const SPACED = new RegExp(String.raw`(?:[A-Za-z0-9+/=]{1,5}[\s._|,:;·•*-]{1,16}){3,${SPACED_GROUPS}}[A-Za-z0-9+/=]{1,5}`, 'y');
const SPACED_START = /(?:[A-Za-z0-9+/=]{1,5}[\s._|,:;·•*-]{1,16}){3}[A-Za-z0-9+/=]/g;

const SPACED_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=._|,:;*-') SPACED_CHAR[c.charCodeAt(0)] = 1;
const WHITE = /\s/;
/** Whether a character can be in a spaced run (a group character or a separator). */
function inSpacedRun(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return SPACED_CHAR[c] === 1 || (c >= 9 && c <= 13) || c === 32;
  return c === 0xb7 || c === 0x2022 || WHITE.test(text[i]);
}

/**
 * The spaced runs of a text that may hold a prefix: those of the stretches (between characters no spaced
 * run holds, such as quotes and brackets) that hold a prefix spread over separators. No run crosses such a
 * character, and where the scan of spacedRuns() passes one it starts afresh, so a stretch's runs are the
 * same read alone; a run in any other stretch holds no prefix and would be dropped. Linear.
 */
export function spacedRunsNearPrefixes(text: string): Array<{ start: number; end: number; text: string }> {
  const out: Array<{ start: number; end: number; text: string }> = [];
  const spread = SPREAD_GLOBAL;
  spread.lastIndex = 0;
  for (let m = spread.exec(text); m !== null; m = spread.exec(text)) {
    let s = m.index;
    while (s > 0 && inSpacedRun(text, s - 1)) s--;
    let e = m.index + m[0].length;
    while (e < text.length && inSpacedRun(text, e)) e++;
    for (const r of spacedRuns(text.slice(s, e))) out.push({ start: r.start + s, end: r.end + s, text: r.text });
    spread.lastIndex = e;
  }
  return out;
}

/** Runs of short groups; a run longer than SPACED_GROUPS groups comes as chunks that overlap by half. Linear. */
export function spacedRuns(text: string): Array<{ start: number; end: number; text: string }> {
  const out: Array<{ start: number; end: number; text: string }> = [];
  const starts = SPACED_START;
  let from = 0;
  for (;;) {
    starts.lastIndex = from;
    const s = starts.exec(text);
    if (s === null) break;
    let at = s.index;
    let lastEnd = -1;
    for (;;) {
      SPACED.lastIndex = at;
      const m = SPACED.exec(text);
      if (m === null) break;
      const end = at + m[0].length;
      if (end <= lastEnd) break;
      out.push({ start: at, end, text: m[0] });
      lastEnd = end;
      // A chunk that stopped at the cap: the next starts halfway through it, at a group boundary.
      const groups = m[0].split(/[\s._|,:;·•*-]+/);
      if (groups.length <= SPACED_GROUPS) break;
      const half = groups.slice(0, groups.length >> 1).join('').length;
      let skipped = 0;
      let k = at;
      while (k < end && skipped < half) {
        if (!/[\s._|,:;·•*-]/.test(text[k])) skipped++;
        k++;
      }
      while (k < end && /[\s._|,:;·•*-]/.test(text[k])) k++;
      at = k;
    }
    from = Math.max(lastEnd, s.index + 1);
  }
  return out;
}
/**
 * The readings of the spaced runs of a text that is itself a reading (ROT13'd, reversed, escapes or
 * references read): a key spelt out and then disguised again. Each finding spans its whole run.
 */
function speltIn(text: string, scrambles: readonly Turn[] = SCRAMBLES): Finding[] {
  const out: Finding[] = [];
  for (const run of spacedRunsNearPrefixes(text)) for (const f of speltFindings(run.text, scrambles)) out.push({ ...f, start: run.start, end: run.end });
  return out;
}
type Turn = 'none' | Scramble;
const SCRAMBLES: readonly Turn[] = ['none', 'rot13', 'reversed', 'both'];
const unscramble: Record<Turn, (s: string) => string> = { none: (s) => s, rot13, reversed, both: (s) => rot13(reversed(s)) };
const SEPARATORS = /[\s._|,:;·•*-]+/g;
/**
 * The findings of prefixed formats in the readings of one spaced run, and of the run ROT13'd, reversed or
 * both where that shows a spread-out prefix (a key spelt out, then scrambled: no sign of the scramble is
 * whole in the text, as its characters are apart).
 */
function speltFindings(run: string, scrambles: readonly Turn[] = SCRAMBLES): Finding[] {
  const out: Finding[] = [];
  const readings: string[] = [];
  for (const s of scrambles) {
    const turned = unscramble[s](run);
    if (s === 'none' || SPREAD_PLAIN.test(turned)) readings.push(...spelt(turned));
  }
  for (const joinedUp of readings) {
    if (!PREFIXED_START.test(joinedUp)) continue;
    for (const f of findings(joinedUp)) if (PREFIXED.has(f.kind) && (f.kind === 'awsAccessKey' || looksGenerated(joinedUp.slice(f.start, f.end)))) out.push(f);
  }
  return out;
}

/**
 * A key's body has a digit or both capitals and small letters; words joined up from prose spaced around
 * dashes (`task - list the items` read as `sk-listtheitems…`) have neither. AWS key ids are capitals and
 * digits by format, and prose rarely spells AKIA: they are not asked.
 */
function looksGenerated(match: string): boolean {
  return /[0-9]/.test(match.slice(4)) || (/[A-Z]/.test(match.slice(4)) && /[a-z]/.test(match.slice(4)));
}

/**
 * The readings of a spaced run: every separator removed (`A K I A …`, `AKIA-IOSF-…`) and, where they
 * differ, those that keep a `_` or `-`: one standing between white space as a character of its own
 * (`g h p _ …`, `s k _ l i v e _ …`), which the first takes for a separator; every one (`ghp_ abc1 …`);
 * every `_` with dashes taken for separators (`ghp_-abc1-…`); and each stretch spelt one character at a
 * time (so the words around a spelt key are not glued to it). A reading holding a prefix after other
 * characters (`0ghp_…` from `tool/1.0 g h p _ …`) is also read from the prefix on.
 */
export function spelt(run: string): string[] {
  const joinedUp = run.replace(SEPARATORS, '');
  const groups = run.split(/[\s.|,:;·•*]+/).map((g) => (/^_+$/.test(g) ? '_' : /^-+$/.test(g) ? '-' : g));
  const readings = new Set([
    joinedUp,
    groups.map((g) => (g.length > 1 ? g.replace(/[_-]+/g, '') : g)).join(''),
    groups.join(''),
    run.replace(/[\s.|,:;·•*-]+/g, ''),
  ]);
  let stretch = '';
  for (const g of [...groups, '']) {
    if (g.length === 1) stretch += g;
    else {
      if (stretch.length >= 8) readings.add(stretch);
      stretch = '';
    }
  }
  for (const r of [...readings]) {
    const at = r.search(PREFIXED_START);
    if (at > 0) readings.add(r.slice(at));
  }
  // A prefix whose own `-` or `_` was taken for a separator (`glpa-t-ab12-…`, `sk_l-ive_-…` in groups joined
  // by dashes): where the prefix's letters start a group, that group on read with the prefix whole.
  let at = 0;
  for (const g of run.split(SEPARATORS)) {
    for (const [prefix, bare] of RESTORED) if (joinedUp.startsWith(bare, at)) readings.add(prefix + joinedUp.slice(at + bare.length));
    at += g.length;
  }
  return [...readings];
}
// The prefixes with a `-` or `_` inside or at the end whose letters alone are distinctive (four or more).
const RESTORED: Array<[string, string]> = ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'github_pat_', 'sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'sk-proj-', 'sk-svcacct-', 'sk-admin-', ...'abposr'.split('').map((c) => `xox${c}-`)].map((p) => [p, p.replace(/[-_]/g, '')]);
// Every match of a PREFIXED detector holds one of these fixed strings; a joined run that holds none of
// them has none of those findings, and the full detector pass over it is skipped (most spaced runs are
// ordinary words: "is it a way to").
const PREFIXES = ['sk-', 'sk_', 'rk_', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T', 'AIza', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'gldt-', 'glptt-', 'glrt-', 'hf_', 'npm_', ...'abposr'.split('').map((c) => `xox${c}-`)];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
export const PREFIXED_START = new RegExp(PREFIXES.map(escape).join('|'));
// For a prefix to be in a reading of a spaced run (spelt), the text must hold it spread out with
// separators between its characters (its `_` or `-` standing alone in the second reading). A text without
// any such spread-out prefix has no spaced run worth finding.
// The spread-out prefixes count as written and ROT13'd, reversed or both (speltFindings undoes those).
// A scrambled word that starts with a separator (`_cut`, `_phg`: `ghp_` reversed) needs that `_` or `-`
// before it, with separators other than `_` and `-` between: with those too, `-ks` would try every run of
// dashes to its end at each dash (quadratic, caught by linear.test.ts); without the lead, `cut`, `but` and
// `hut` would open a spaced-run reading at ordinary words.
const SEP = '[\\s._|,:;·•*-]*';
const SCRAMBLED_FROM = [...PREFIXES, 'sk-proj-', 'sk-ant-', 'sk-svcacct-', 'sk-admin-', 'sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'];
const SCRAMBLED = [...new Set(SCRAMBLED_FROM.flatMap((p) => [rot13(p), reversed(p), rot13(reversed(p))]))].filter((w) => !PREFIXES.includes(w));
const LETTER_LED = SCRAMBLED.filter((w) => /^[A-Za-z0-9]/.test(w));
// Led by `_`: the `_` the word needs, then its letters; led by `-`, three letters or more (`-ks`, `sk-`
// reversed, is left out: prose's dashes before `ks`/`xf`… would open a spaced-run reading at each).
const led = (lead: string, min: number) => [...new Set(SCRAMBLED.filter((w) => w.startsWith(lead)).map((w) => w.slice(1)).filter((w) => w.length >= min))];
const spreadAlternatives = (trie: (words: readonly string[]) => string) => `${trie([...PREFIXES, ...LETTER_LED])}|_[\\s.|,:;·•*]*${trie(led('_', 2))}|-[\\s.|,:;·•*]*${trie(led('-', 3))}`;
const flat = (words: readonly string[]) => `(?:${words.map((p) => [...p].map(escape).join(SEP)).join('|')})`;
export const SPREAD_PREFIX = new RegExp(spreadAlternatives(flat));
const SPREAD_PLAIN = new RegExp(flat(PREFIXES));
// The same alternation with common starts factored out (a trie of the prefixes: `g[sep]*(?:h[sep]*(?:p…|o…)|l…)`),
// which matches where SPREAD_PREFIX does (its test checks they agree): tried at a `g`, it reads the
// separators after it once instead of once for each of the ten prefixes that start with `g`. Shared by
// every call (the scan is synchronous and never re-entered), so that a call compiles nothing.
export const SPREAD_GLOBAL = new RegExp(spreadAlternatives(spreadTrie), 'g');
// The same for a test (no lastIndex): a flat alternation of every word tried at each character of an edge
// cost tens of µs a call.
const SPREAD_FACTORED = new RegExp(spreadAlternatives(spreadTrie));

function spreadTrie(words: readonly string[]): string {
  const sep = SEP;
  const branches = [...new Set(words.map((w) => w[0]))].map((c) => {
    const rests = words.filter((w) => w[0] === c).map((w) => w.slice(1));
    // Where one prefix is the start of another, the shorter matches wherever the longer does.
    return rests.includes('') ? escape(c) : escape(c) + sep + spreadTrie(rests);
  });
  return branches.length === 1 ? branches[0] : `(?:${branches.join('|')})`;
}
export const PREFIXED = new Set(['awsAccessKey', 'openaiKey', 'anthropicKey', 'githubToken', 'gitlabToken', 'stripeKey', 'huggingfaceToken', 'npmToken', 'googleKey', 'slackToken']);

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
  const text = secretForm(decoded).text;
  const found = findings(text).map(({ dataClass, kind }) => ({ dataClass, kind }));
  for (const run of spacedRunsNearPrefixes(text)) for (const { dataClass, kind } of speltFindings(run.text)) found.push({ dataClass, kind });
  if (nesting > 0) for (const run of encodedRuns(text, budget)) found.push(...decodedFindings(run.bytes, budget, nesting - 1));
  return found;
}

/** Findings that only exist when neighbouring strings are read as one text. */
function acrossBoundaries(texts: readonly string[], order: number[], skip: number): BodyFinding[] {
  const out: BodyFinding[] = [];
  for (let b = 1; b + skip < order.length; b++) {
    const segments = windowAround(texts, order, b, skip);
    const text = segments.map((s) => s.text).join('');
    const boundary = segments.filter((s) => s.side === 'left').reduce((n, s) => n + s.text.length, 0);
    for (const f of findings(text)) {
      if (f.start >= boundary || f.end <= boundary) continue;
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
/** The longest spelt-out stretch at a string's edge that edgeJoins reads (a key spelt with separators of up to three characters). */
const EDGE_SPELT = 320;

/**
 * Halves of a key several turns apart, and base64 of a key cut across two strings: the run of key
 * characters that ends one string joined with the run that starts each of the next EDGE_TURNS strings,
 * read by the detectors (secrets only, crossing the join) and, when the joined run is base64, decoded.
 * Only edge runs are read, so the cost is one short text per pair, not a window of each.
 */
function edgeJoins(texts: readonly string[], rotated: ReadonlyArray<Rotated | null>, order: number[], budget: DecodeBudget): BodyFinding[] {
  const out: BodyFinding[] = [];
  const tails = order.map((p) => {
    const t = texts[p];
    let s = t.length;
    while (s > 0 && t.length - s < EDGE_RUN && isKeyChar(t.charCodeAt(s - 1))) s--;
    return s;
  });
  const heads = order.map((p) => {
    const t = texts[p];
    let e = 0;
    while (e < t.length && e < EDGE_RUN && isKeyChar(t.charCodeAt(e))) e++;
    return e;
  });
  // Spelt-out keys (`g h p _ a 1 …`, `ghp_-a1B2-…`) cut across strings: the spaced stretch ending one string
  // joined with the one starting each of the next strings, read as spelt runs. Most pairs are skipped
  // unseen: only where either stretch holds a spread-out prefix, or one spans the join (its edges, JOIN_EDGE
  // characters each), is the joined stretch read.
  const spacedTails = order.map((p) => {
    const t = texts[p];
    let s = t.length;
    while (s > 0 && t.length - s < EDGE_SPELT && inSpacedRun(t, s - 1)) s--;
    return s;
  });
  const spacedHeads = order.map((p) => {
    const t = texts[p];
    let e = 0;
    while (e < t.length && e < EDGE_SPELT && inSpacedRun(t, e)) e++;
    return e;
  });
  const tailHoldsPrefix = order.map((p, b) => SPREAD_FACTORED.test(texts[p].slice(spacedTails[b])));
  // A reversed key carries its prefix at its end, in the later string.
  const headHoldsPrefix = order.map((p, c) => SPREAD_FACTORED.test(texts[p].slice(0, spacedHeads[c])));
  for (let b = 0; b < order.length; b++) {
    const left = texts[order[b]].slice(spacedTails[b]);
    if (left.length === 0) continue;
    for (let c = b + 1; c < order.length && c <= b + EDGE_TURNS; c++) {
      if (spacedHeads[c] === 0) continue;
      const right = texts[order[c]].slice(0, spacedHeads[c]);
      const readings: Array<[string, readonly Turn[]]> = [];
      if (tailHoldsPrefix[b] || headHoldsPrefix[c] || SPREAD_FACTORED.test(left.slice(-JOIN_EDGE) + right.slice(0, JOIN_EDGE))) readings.push([left + right, SCRAMBLES]);
      // With folded letters turned (foldsRotated), where either string has one: same lengths, so the same spans.
      const [rb, rc] = [rotated[order[b]], rotated[order[c]]];
      if (rb !== null || rc !== null) readings.push([(rb?.text ?? texts[order[b]]).slice(spacedTails[b]) + (rc?.text ?? texts[order[c]]).slice(0, spacedHeads[c]), ROTATED]);
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
      const turned = rotated[order[b]] ?? rotated[order[c]] ? (rotated[order[b]]?.text ?? texts[order[b]]).slice(tails[b]) + (rotated[order[c]]?.text ?? texts[order[c]]).slice(0, heads[c]) : null;
      for (const f of readString(text, budget, turned === null ? null : { text: turned, windows: [[0, turned.length]] }, c <= b + 2)) {
        if (f.dataClass.startsWith('secret.') && f.dataClass !== 'secret.fragment' && f.start < left.length && f.end > left.length) out.push({ dataClass: f.dataClass, kind: f.kind, spans: spans(f.start, f.end) });
      }
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
