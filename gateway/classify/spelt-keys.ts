// A key spelt out with separators, in the clear or ROT13'd or reversed: the spaced runs near a credential
// prefix (written whole or spread out, plain or scrambled), read with the separators removed, for the
// formats that start with a fixed prefix only. Used on every string and on the joined edges of strings
// (scan.ts). Pure.
import { findings, type Finding } from './classify.js';
import { reversed, rot13 } from '../text/substitutions.js';
import type { Scramble } from './text-decoders.js';
import type { PairTable } from './keyword-automaton.js';
import { firstAtOrAfter } from './offsets.js';

// A key spelt out with separators ("A K I A …", "AKIA-IOSF-ODNN-…"): runs of short groups are read
// with the separators removed, for the formats that start with a fixed prefix only (a keyword or an
// entropy test on joined-up prose would find what is not there).
// At most SPACED_GROUPS groups a match: an unbounded {3,} over a megabyte of short groups overflows the
// regular expression engine's backtracking stack ("Maximum call stack size exceeded"). A longer run is
// read in overlapping chunks (spacedRuns), so a key anywhere in it still falls wholly inside one chunk.
const SPACED_GROUPS = 256;
// The separators a key is spelt out with, as a regular expression's class: white space and the signs no
// prefixed key holds, besides its own `_` and `-`, which a key may hold (the readings of spelt() tell them
// apart). Those of SPACING stand between groups of characters (`AKIA IOSF-ODNN`); those of SPELLING only
// between characters spelt one (or two) at a time (an insider varies them, `A.K/I-A * R~2 : C`), as code
// writes them between words (`x = y`, `a/b`, `# note`), where a run of them would join identifiers into a
// key-like reading.
const SPACING = String.raw`\s.|,:;·•*`;
const SPELLING = String.raw`~!?^#&@$+/=\\`;
const SIGNS_CLASS = SPACING + SPELLING;
const SEPARATOR_CLASS = `[${SIGNS_CLASS}_-]`;
/** The separators but `_` (kept by one reading), and but `_` and `-` (a scrambled prefix's lead's own). */
const NOT_UNDERSCORE_CLASS = `[${SIGNS_CLASS}-]`;
const LEAD_CLASS = `[${SIGNS_CLASS}]`;
const LEAD_SPLIT = new RegExp(`${LEAD_CLASS}+`);
const NOT_UNDERSCORE = new RegExp(`${NOT_UNDERSCORE_CLASS}+`, 'g');
const JOINED_SINGLES = /^[A-Za-z0-9](?:[_-][A-Za-z0-9])+$/;
// Separator runs of up to twenty-four: a key's own `_` or `-` standing between two separators, with invisible
// characters removed beside them (`e | \u200d | _ | 7` reads `e |  | _ | 7`), makes runs of ten and more, and
// a key grouped with ` - ` and then spelt with ` * ` nineteen (`p *   * - *   * _ * a`).
// A unit of a run: one or two characters (two where an invisible character between was removed; the first
// may end a word, a key glued to it) and any separators before one or two more, or a group of up to five
// and SPACING's separators (no prefixed key holds base64's `+ / =`: those are SPELLING's).
const SPACED_UNIT = `(?:[A-Za-z0-9]{1,2}${SEPARATOR_CLASS}{1,24}(?=[A-Za-z0-9]{1,2}(?![A-Za-z0-9]))|[A-Za-z0-9]{1,5}[${SPACING}_-]{1,24})`;
const SPACED = new RegExp(`${SPACED_UNIT}{3,${SPACED_GROUPS}}[A-Za-z0-9]{1,5}`, 'y');
const SPACED_START = new RegExp(`${SPACED_UNIT}{3}[A-Za-z0-9]`, 'g');
const IS_SEPARATOR = new RegExp(SEPARATOR_CLASS);
const SEPARATORS = new RegExp(`${SEPARATOR_CLASS}+`, 'g');

const SPACED_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (/[A-Za-z0-9]/.test(String.fromCharCode(c)) || IS_SEPARATOR.test(String.fromCharCode(c))) SPACED_CHAR[c] = 1;
const WHITE = /\s/;
/** Whether a character can be in a spaced run (a group character or a separator). */
export function inSpacedRun(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return SPACED_CHAR[c] === 1 || (c >= 9 && c <= 13) || c === 32;
  return c === 0xb7 || c === 0x2022 || WHITE.test(text[i]);
}

/**
 * The spaced runs of a text that may hold a prefix: those of the stretches (between characters no spaced
 * run holds, such as quotes and brackets) that hold a prefix spread over separators. No run crosses such a
 * character, and where the scan of spacedRuns() passes one it starts afresh, so a stretch's runs are the
 * same read alone; a run in any other stretch holds no prefix and would be dropped. Linear. `pairsAt`:
 * where a keyword pass over this text found SPREAD_PAIRS (keyword-pass.ts), where one was made.
 */
export function spacedRunsNearPrefixes(text: string, pairsAt?: readonly number[]): Array<{ start: number; end: number; text: string }> {
  const out: Array<{ start: number; end: number; text: string }> = [];
  for (let m = firstSpreadPrefix(text, 0, pairsAt); m !== null; ) {
    let s = m.start;
    while (s > 0 && inSpacedRun(text, s - 1)) s--;
    let e = m.end;
    while (e < text.length && inSpacedRun(text, e)) e++;
    for (const r of spacedRuns(text.slice(s, e))) out.push({ start: r.start + s, end: r.end + s, text: r.text });
    m = firstSpreadPrefix(text, e, pairsAt);
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
      const groups = m[0].split(SEPARATORS);
      if (groups.length <= SPACED_GROUPS) break;
      const half = groups.slice(0, groups.length >> 1).join('').length;
      let skipped = 0;
      let k = at;
      while (k < end && skipped < half) {
        if (SEPARATOR[text.charCodeAt(k)] !== 1) skipped++;
        k++;
      }
      while (k < end && SEPARATOR[text.charCodeAt(k)] === 1) k++;
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
export function speltIn(text: string, scrambles: readonly Turn[] = SCRAMBLES, pairsAt?: readonly number[]): Finding[] {
  const out: Finding[] = [];
  for (const run of spacedRunsNearPrefixes(text, pairsAt)) for (const f of speltFindings(run.text, scrambles)) out.push({ ...f, start: run.start, end: run.end });
  return out;
}
export type Turn = 'none' | Scramble;
export const SCRAMBLES: readonly Turn[] = ['none', 'rot13', 'reversed', 'both'];
const unscramble: Record<Turn, (s: string) => string> = { none: (s) => s, rot13, reversed, both: (s) => rot13(reversed(s)) };
/**
 * The findings of prefixed formats in the readings of one spaced run, and of the run ROT13'd, reversed or
 * both where that shows a spread-out prefix (a key spelt out, then scrambled: no sign of the scramble is
 * whole in the text, as its characters are apart).
 */
export function speltFindings(run: string, scrambles: readonly Turn[] = SCRAMBLES): Finding[] {
  const out: Finding[] = [];
  for (const s of scrambles) {
    const turned = unscramble[s](run);
    if (s !== 'none' && !SPREAD_PLAIN.test(turned)) continue;
    for (const joinedUp of spelt(turned)) {
      if (!PREFIXED_START.test(joinedUp)) continue;
      for (const f of findings(joinedUp)) {
        const match = joinedUp.slice(f.start, f.end);
        if (PREFIXED.has(f.kind) && (f.kind === 'awsAccessKey' || looksGenerated(match)) && keyShaped(turned, match)) out.push(f);
      }
    }
  }
  return out;
}

/**
 * Whether a key read from a run is shaped as one spelt out or in groups: the groups it is joined from (but
 * the one it starts in, where a word may be glued on before it, `token` + `g h p _ …`, and the words and
 * short groups it ends with, glued on after it by the reading: `… 7 Z for the`) hold a key's chunks (any of
 * three characters or more but numbers and words, which are four or more small letters, a capital first at
 * most) and single characters (one for four), one at least and no fewer than words. Prose spaced around a
 * word that is or ends as a prefix is not: `rpsk-rpsk p qruma_qruma` (the `sk-` inside `rpsk`), `sk-sk 54818
 * kvrnt 44058`; a random key's chunks are words one time in sixteen at four characters, one in forty at five.
 */
function keyShaped(run: string, match: string): boolean {
  const groups = run.split(SEPARATORS);
  const wanted = match.replace(/[_-]/g, '');
  const from = groups.join('').indexOf(wanted);
  if (from < 0) return false;
  const to = from + wanted.length;
  const shapes: number[] = [];
  let at = 0;
  let last = '';
  for (const g of groups) {
    // A character written again after a separator (`t-t`: a word hyphenated with itself) is not a key's next.
    // A group that is itself a prefix (`'sk-', 'sk_live_', 'AKIA', 'ghp_'`: a list of them) is no key's chunk.
    if (at > from && at < to) shapes.push(g.length === 1 ? (g === last ? NEITHER : SINGLE) : WORD.test(g) ? AWORD : g.length >= 3 && !NUMBER.test(g) && !PREFIX_STEMS.has(g) ? CHUNK : NEITHER);
    at += g.length;
    last = g;
  }
  while (shapes.length > 0 && (shapes[shapes.length - 1] === AWORD || shapes[shapes.length - 1] === NEITHER)) shapes.pop();
  let [words, evidence] = [0, 0];
  for (const shape of shapes) {
    if (shape === AWORD) words++;
    else evidence += shape === CHUNK ? 1 : shape === SINGLE ? 1 / 4 : 0;
  }
  return evidence >= Math.max(1, words);
}
const [NEITHER, SINGLE, AWORD, CHUNK] = [0, 1, 2, 3];
/** The prefixes without their separators, as a list of them is read in groups (`AKIA`, `ghp`, `glpat`). */
const PREFIX_STEMS = new Set(['sk', 'rk', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T', 'AIza', 'ghp', 'gho', 'ghu', 'ghs', 'ghr', 'github', 'pat', 'glpat', 'gldt', 'glptt', 'glrt', 'hf', 'npm', 'live', 'test', 'proj', ...'abposr'.split('').map((c) => `xox${c}`)]);
const WORD = /^[A-Z]?[a-z]{3,}$/;
const NUMBER = /^[0-9]+$/;

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
 * time (so the words around a spelt key are not glued to it), characters joined by one `-` or `_` counted
 * as spelt one at a time (`N-L`). A reading holding a prefix after other
 * characters (`0ghp_…` from `tool/1.0 g h p _ …`) is also read from the prefix on.
 */
export function spelt(run: string): string[] {
  const joinedUp = run.replace(SEPARATORS, '');
  const groups = run.split(LEAD_SPLIT).map((g) => (/^_+$/.test(g) ? '_' : /^-+$/.test(g) ? '-' : g));
  const readings = new Set([
    joinedUp,
    groups.map((g) => (g.length > 1 ? g.replace(/[_-]+/g, '') : g)).join(''),
    groups.join(''),
    run.replace(NOT_UNDERSCORE, ''),
  ]);
  // Each stretch spelt one character at a time, with a `_` or `-` standing alone kept (a prefix's own), and
  // with the one kind or the other left out (a separator among others: `5 - 3` after `g h p _`).
  const stretches = ['', '', ''];
  for (const g of [...groups, '']) {
    // Characters joined by a `-` or `_` taken for a separator among others (`N-L` in `J$N-L#D`).
    const chars = g.length === 1 ? g : JOINED_SINGLES.test(g) ? g.replace(/[_-]/g, '') : null;
    if (chars !== null) {
      stretches[0] += chars;
      if (chars !== '-') stretches[1] += chars;
      if (chars !== '_') stretches[2] += chars;
      continue;
    }
    for (let k = 0; k < 3; k++) {
      if (stretches[k].length >= 8) readings.add(stretches[k]);
      stretches[k] = '';
    }
  }
  for (const r of [...readings]) {
    const at = r.search(PREFIXED_START);
    if (at > 0) readings.add(r.slice(at));
  }
  // A prefix whose own `-` or `_` was taken for a separator (`glpa-t-ab12-…`, `sk_l-ive_-…` in groups joined
  // by dashes): where the prefix's letters start in a group (at its start, or after a word glued on before:
  // `tokenglp-at-…`), the text from them on read with the prefix whole.
  let at = 0;
  for (const g of run.split(SEPARATORS)) {
    for (let k = at; k < at + g.length; k++) {
      if (!RESTORED_FIRST.has(joinedUp[k])) continue;
      for (const [prefix, bare] of RESTORED) if (joinedUp.startsWith(bare, k)) readings.add(prefix + joinedUp.slice(k + bare.length));
    }
    at += g.length;
  }
  return [...readings];
}
// The prefixes with a `-` or `_` inside or at the end whose letters alone are distinctive (four or more).
const RESTORED: Array<[string, string]> = ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'github_pat_', 'sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'sk-proj-', 'sk-svcacct-', 'sk-admin-', ...'abposr'.split('').map((c) => `xox${c}-`)].map((p) => [p, p.replace(/[-_]/g, '')]);
const RESTORED_FIRST = new Set(RESTORED.map(([, bare]) => bare[0]));
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
const SEP = `${SEPARATOR_CLASS}*`;
const SCRAMBLED_FROM = [...PREFIXES, 'sk-proj-', 'sk-ant-', 'sk-svcacct-', 'sk-admin-', 'sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'];
const SCRAMBLED = [...new Set(SCRAMBLED_FROM.flatMap((p) => [rot13(p), reversed(p), rot13(reversed(p))]))].filter((w) => !PREFIXES.includes(w));
const LETTER_LED = SCRAMBLED.filter((w) => /^[A-Za-z0-9]/.test(w));
// Led by `_`: the `_` the word needs, then its letters; led by `-`, three letters or more (`-ks`, `sk-`
// reversed, is left out: prose's dashes before `ks`/`xf`… would open a spaced-run reading at each).
const led = (lead: string, min: number) => [...new Set(SCRAMBLED.filter((w) => w.startsWith(lead)).map((w) => w.slice(1)).filter((w) => w.length >= min))];
const spreadAlternatives = (trie: (words: readonly string[]) => string) => `${trie([...PREFIXES, ...LETTER_LED])}|_${LEAD_CLASS}*${trie(led('_', 2))}|-${LEAD_CLASS}*${trie(led('-', 3))}`;
const flat = (words: readonly string[]) => `(?:${words.map((p) => [...p].map(escape).join(SEP)).join('|')})`;
export const SPREAD_PREFIX = new RegExp(spreadAlternatives(flat));
const SPREAD_PLAIN = new RegExp(flat(PREFIXES));
// The same alternation with common starts factored out (a trie of the prefixes: `g[sep]*(?:h[sep]*(?:p…|o…)|l…)`),
// which matches where SPREAD_PREFIX does (its test checks they agree): tried at a `g`, it reads the
// separators after it once instead of once for each of the ten prefixes that start with `g`. Sticky: it is
// tried only where firstSpreadPrefix's check lets a match start. Shared by every call (the scan is
// synchronous and never re-entered), so that a call compiles nothing.
const SPREAD_STICKY = new RegExp(spreadAlternatives(spreadTrie), 'y');

// Where a spread-out prefix can start: at one of its first characters and, past any separators, one of its
// second (for a `_` or `-` lead, past the lead's own separators, its word's first). Checked by hand before
// the alternation is tried: tried by the expression engine at every character (as a global search), it
// cost 6 µs per KB of prose and 13 of code, read on every string and every reading of one, a fifth of the
// whole classification; most characters fail the check in one table lookup.
const SEPARATOR = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) if (IS_SEPARATOR.test(String.fromCharCode(c))) SEPARATOR[c] = 1;
// A lead's own separators: the same but `_` and `-`.
const LEAD_SEPARATOR = SEPARATOR.slice();
LEAD_SEPARATOR[0x5f] = LEAD_SEPARATOR[0x2d] = 0;
// A prefix's first two characters and its third, by code: what may come next after its first (SECOND, with
// the separators that may stand between, SKIP) and after its first two (THIRD, past SEPARATOR). ASCII:
// every prefix is. For a `_` or `-` lead, its word's first character is the second (past LEAD_SEPARATOR).
const SECOND: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(128).fill(undefined);
const SKIP: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(128).fill(undefined);
const THIRD = new Map<number, Uint8Array>();
function addStarts(words: readonly string[], skip: Uint8Array): void {
  for (const w of words) {
    const [a, b, c] = [w.charCodeAt(0), w.charCodeAt(1), w.charCodeAt(2)];
    if ((SKIP[a] ??= skip) !== skip) throw new Error(`spread-out prefixes: "${w[0]}" starts both a prefix and a lead`);
    (SECOND[a] ??= new Uint8Array(128))[b] = 1;
    if (!THIRD.has(a * 128 + b)) THIRD.set(a * 128 + b, new Uint8Array(128));
    THIRD.get(a * 128 + b)![c] = 1;
  }
}
addStarts([...PREFIXES, ...LETTER_LED], SEPARATOR);
addStarts(led('_', 2).map((w) => `_${w}`), LEAD_SEPARATOR);
addStarts(led('-', 3).map((w) => `-${w}`), LEAD_SEPARATOR);
// PAIRS[a * 128 + b], a first character followed at once by b (SECOND and SKIP in one table): 1 where b
// may be its second, 2 where b is a separator that may stand before it, 0 where no prefix starts there
// (most places: one lookup).
const PAIRS = new Uint8Array(128 * 128);
for (let a = 0; a < 128; a++) {
  for (let b = 0; SECOND[a] !== undefined && b < 128; b++) PAIRS[a * 128 + b] = SECOND[a]![b] === 1 ? 1 : SKIP[a]![b] === 1 ? 2 : 0;
}

/** PAIRS for a pass that reads pairs (keyword-automaton.ts foundAtAndPairs): a separator outside ASCII reads as a space. */
export const SPREAD_PAIRS: PairTable = { table: PAIRS, wide: new Uint8Array(65536).map((_, c) => (c >= 128 && SEPARATOR[c] === 1 ? 32 : 0)) };
const WIDE = SPREAD_PAIRS.wide;

const UNDECIDED = -2;
/**
 * Where the next character of a prefix stands from `at` on, past separators: its offset, -1 where none can,
 * UNDECIDED where a separator could also be that character (`_` in `u s _`: the expression decides).
 */
function nextAt(text: string, at: number, next: Uint8Array, skip: Uint8Array): number {
  const length = text.length;
  for (let j = at; j < length; j++) {
    const c = text.charCodeAt(j);
    const isNext = c < 128 && next[c] === 1;
    if (skip[c] !== 1) return isNext ? j : -1;
    if (isNext) return UNDECIDED;
  }
  return -1;
}

/**
 * The first spread-out prefix (SPREAD_PREFIX's match, through the factored alternation) that starts at or
 * after `from`, as offsets; null when there is none. The expression is tried only where a prefix's first
 * three characters stand, separators between. Linear but for runs of separators, which are read again
 * only from each first character before them (at most twice a run: its own lead skips none of its kind).
 */
export function firstSpreadPrefix(text: string, from: number, pairsAt?: readonly number[]): { start: number; end: number } | null {
  if (pairsAt !== undefined) {
    // The pairs a keyword pass found (SPREAD_PAIRS): the check by hand below, made in that pass.
    for (let j = firstAtOrAfter(pairsAt, from); j < pairsAt.length; j++) {
      const m = spreadPrefixAt(text, pairsAt[j]);
      if (m !== null) return m;
    }
    return null;
  }
  const length = text.length;
  let after = from < length ? text.charCodeAt(from) : 0;
  for (let i = from; i < length - 2; i++) {
    const c = after;
    after = text.charCodeAt(i + 1);
    if (c >= 128) continue;
    // A separator outside ASCII after a first character is looked up as a space (both separators).
    if (PAIRS[c * 128 + (after < 128 ? after : WIDE[after])] === 0) continue;
    const m = spreadPrefixAt(text, i);
    if (m !== null) return m;
  }
  return null;
}

/** The spread-out prefix starting at `i`, where a pair of PAIRS stands: its third character checked, then the alternation. */
function spreadPrefixAt(text: string, i: number): { start: number; end: number } | null {
  const c = text.charCodeAt(i);
  const second = nextAt(text, i + 1, SECOND[c]!, SKIP[c]!);
  if (second === -1) return null;
  if (second >= 0 && nextAt(text, second + 1, THIRD.get(c * 128 + text.charCodeAt(second))!, SEPARATOR) === -1) return null;
  SPREAD_STICKY.lastIndex = i;
  const m = SPREAD_STICKY.exec(text);
  return m === null ? null : { start: i, end: i + m[0].length };
}


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
