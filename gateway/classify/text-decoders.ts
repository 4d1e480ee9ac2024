// More disguises a key can wear as text (issue 23, #4), each undone only where the text shows a sign of
// it, so ordinary prose and code pay one prefilter each:
// - ROT13, ROT47, Atbash, reversal and keys typed one to the side: where the text holds a known credential
//   prefix so transformed (`NXVN`, `AIKA`, `tuc_`, `_phg`, `D<\`, `hp-`, `SLOS`, `fgo)`); the substitutions
//   keep positions, reversal mirrors them, so a finding keeps its exact place (other Caesar shifts are found
//   by a prefix's shape: shifted-keys.ts);
// escapes written as text (text/escapes.ts) and base32 (text/encoded-runs.ts) are read by scan.ts.
// Written by hand: no library finds where a cipher starts by a key's prefix.
import { atbash, keysLeft, keysRight, reversed, rot13, rot47, ROT47, SURROGATE, type Transformed } from '../text/substitutions.js';
import { isEscapeLetter } from '../text/escapes.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { firstAtOrAfter } from './offsets.js';

// The prefixes of the formats that start with a fixed string (scan.ts PREFIXES, armour's BEGIN): a text
// holding one of them ROT13'd or reversed is worth transforming. And a URL's scheme: a key put in a URL
// query is percent-encoded (its prefix too, where homoglyphs or invisible characters were put in), and
// the URL ciphered shows the scheme (`uggcf://`), which scan.ts reads percent-decoded.
const PREFIXES = ['sk-', 'sk_live_', 'sk_test_', 'AKIA', 'ASIA', 'AIza', 'ghp_', 'gho_', 'ghs_', 'github_pat_', 'glpat-', 'hf_', 'npm_', 'xoxb-', 'xoxp-', 'BEGIN', 'PRIVATE KEY', 'https://', 'http://'];
export type Scramble = 'rot13' | 'reversed' | 'both';
/**
 * The scrambles undone where their signs show: ROT13, reversal or both, ROT47, Atbash, each of those two with
 * reversal, and each key typed as its neighbour to the right or left on a US keyboard (substitutions.ts).
 */
export type Cipher = Scramble | 'rot47' | 'atbash' | 'rot47 reversed' | 'atbash reversed' | KeyboardShift | `${KeyboardShift} reversed` | Composed;
type KeyboardShift = 'keys right' | 'keys left';
type Substitution = 'rot13' | 'rot47' | 'atbash';
/** A substitution and a shift, the first named done first: `keys right, rot13` is typed to the side and then ROT13'd. */
type Composed = `${KeyboardShift}, ${Substitution}` | `${Substitution}, ${KeyboardShift}`;
const isTyped = (kind: Cipher): kind is KeyboardShift => kind === 'keys right' || kind === 'keys left';
const SUBSTITUTE: Record<Substitution, (s: string) => string> = { rot13, rot47, atbash };
const TYPE: Record<KeyboardShift, (s: string) => string> = { 'keys right': keysRight, 'keys left': keysLeft };
/** Each composition, its two steps in the order done, and the prefix transformed by it. */
const COMPOSED: ReadonlyArray<[Composed, (p: string) => string]> = (['keys right', 'keys left'] as const).flatMap((shift) =>
  (['rot13', 'rot47', 'atbash'] as const).flatMap((sub): Array<[Composed, (p: string) => string]> => [
    [`${shift}, ${sub}`, (p) => SUBSTITUTE[sub](TYPE[shift](p))],
    [`${sub}, ${shift}`, (p) => TYPE[shift](SUBSTITUTE[sub](p))],
  ]),
);
const composedSteps = (kind: Cipher): [Cipher, Cipher] | null => (kind.includes(', ') ? (kind.split(', ') as [Cipher, Cipher]) : null);
/** Signs counted only before a key's body, by the rule of the printable ciphers (keyFollows): the last step's kind. */
const followedAs = (kind: Cipher): 'rot47' | 'atbash' | KeyboardShift | null => {
  const last = composedSteps(kind)?.[1] ?? kind;
  return last === 'rot47' || last === 'atbash' || isTyped(last) ? last : composedSteps(kind) ? 'keys right' : null;
};
const ARMOUR = ['BEGIN', 'PRIVATE KEY'];
/** Each sign: the prefix transformed, the transformation, the prefix (what a keyboard sign is read back as). */
const JSON_ESCAPED = /["\\]/;
const JSON_ESCAPED_ALL = /["\\]/g;
const SIGNS: Array<[string, Cipher, string]> = PREFIXES.flatMap((p) =>
  (
    [
      [rot13(p), 'rot13'],
      [reversed(p), 'reversed'],
      [reversed(rot13(p)), 'both'],
      [rot47(p), 'rot47'],
      [atbash(p), 'atbash'],
      [reversed(rot47(p)), 'rot47 reversed'],
      [reversed(atbash(p)), 'atbash reversed'],
      // Armour typed to the side is left out: its base64 body's `+` and `/` stay themselves at a row's end.
      ...(ARMOUR.includes(p) ? [] : [[keysRight(p), 'keys right'], [keysLeft(p), 'keys left'], [reversed(keysRight(p)), 'keys right reversed'], [reversed(keysLeft(p)), 'keys left reversed']]),
      // A key typed to the side and ciphered too, in either order (`FYBF` is `AKIA` typed right, then ROT13'd);
      // where the composed prefix holds a quote or backslash, also as JSON text escapes it (tool call arguments).
      ...(ARMOUR.includes(p) ? [] : COMPOSED.flatMap(([kind, turn]) => (JSON_ESCAPED.test(turn(p)) ? [[turn(p), kind], [turn(p).replace(JSON_ESCAPED_ALL, '\\$&'), kind]] : [[turn(p), kind]]))),
    ] as Array<[string, Cipher]>
  ).map(([sign, kind]): [string, Cipher, string] => [sign, kind, p]),
);
// The keyword pass folds case; a key's prefix is written in one case only (`hf_`, never `HF_`), so a sign
// of one counts only as written: `NOT_SUPPORTED` holds `_su` (`hf_` ROT13'd and reversed) folded, and each
// such hit in code cost a transformed reading of 16 KB. Armour's words are read in any case, as the
// private-key detector reads them.
const ANY_CASE = new Set(ARMOUR.flatMap((p) => [rot13(p), reversed(p), reversed(rot13(p))]));
// A ROT47 or Atbash sign counts only where a key's body could follow it: apart from the word before, then
// sixteen characters that are neither white space nor outside ASCII, and for ROT47 not all hex digits. ROT47
// turns `hf_` into `970` and `ghp_` into `89A0`, which numbers, commit hashes and UUIDs hold (a reading at
// each made `hf_` fragments of legal prose); a ROT47'd random body is never sixteen hex digits.
const ARMOUR_SIGNS = new Set(ARMOUR.flatMap((p) => [rot47(p), atbash(p), reversed(rot47(p)), reversed(atbash(p))]));
const HEX_RUN = /^[0-9A-Fa-f-]{16}/;
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isKeyChar = (c: number) => isAlnum(c) || c === 45 || c === 95;
/**
 * keyFollows for a sign read backwards (reversed with its cipher): the key's body stands before it, the word
 * after it. The text around is read mirrored.
 */
function keyPrecedes(text: string, start: number, end: number, kind: 'rot47' | 'atbash' | KeyboardShift): boolean {
  const mirrored = reversed(text.slice(Math.max(0, start - 16), Math.min(text.length, end + 1)));
  const from = Math.min(text.length, end + 1) - end;
  return keyFollows(mirrored, from, from + (end - start), kind);
}
function keyFollows(text: string, start: number, end: number, kind: 'rot47' | 'atbash' | KeyboardShift): boolean {
  // The character before stands apart as written or deciphered: ROT47 turns the `"` of a key quoted in
  // JSON text into `Q`, and a `"` put around the ciphered key is itself.
  const written = text.charCodeAt(start - 1);
  // An escape's letter written as text (`\n` in JSON text) stands apart too.
  if (isAlnum(written) && !isEscapeLetter(text, start - 1) && !(kind === 'rot47' && written < 128 && !isAlnum(ROT47[written]))) return false;
  for (let i = end; i < end + 16; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 33 && c <= 126)) return false;
  }
  return !(kind === 'rot47' && HEX_RUN.test(text.slice(end, end + 16)));
}
// One pass for every kind (letters folded: a candidate too many costs one detector pass, never a miss).
/** The signs as keywords, for a keyword pass shared with other readers (classify.ts wordStarts). */
export const SIGN_WORDS: readonly string[] = SIGNS.map(([sign]) => sign);
const signs = new KeywordAutomaton(SIGN_WORDS);
/** The transformation under each reversed one whose sign counts only before a key's body (keyPrecedes). */
const REVERSED_UNDER: Partial<Record<Cipher, 'rot47' | 'atbash' | KeyboardShift>> = { 'rot47 reversed': 'rot47', 'atbash reversed': 'atbash', 'keys right reversed': 'keys right', 'keys left reversed': 'keys left' };
const URL_SCHEMES = new Set(['https://', 'http://']);
const READ_BACKWARDS = new Set<Cipher>(['reversed', 'both', 'rot47 reversed', 'atbash reversed', 'keys right reversed', 'keys left reversed']);
/** The signs in a short text (a join's edges), flat: sign, end, … (what printableSign takes). */
export const signHits = (text: string): number[] => signs.foundAt(text);
/** The longest sign of a printable run (printableSign): a join's edges hold one cut in two within this length. */
export const LONGEST_PRINTABLE_SIGN = Math.max(...SIGNS.map(([sign], k) => (printableSign(k) ? sign.length : 0)));
/** Every two characters side by side in a sign of a printable run: a join that cuts one has such a pair across it. */
export const PRINTABLE_SIGN_PAIRS: ReadonlySet<string> = new Set(SIGNS.flatMap(([sign], k) => (printableSign(k) ? [...sign].slice(1).map((c, i) => sign[i] + c) : [])));
/**
 * Sign k's transformation, length, and whether the text it starts is read backwards (reversed: the sign ends
 * it), if what it starts is a run of any printable characters whose edges are not key characters: a prefix
 * ROT47'd or typed to the side, or a URL's scheme under any cipher (`:`, `.` and `?` stand in a URL); null otherwise.
 */
export function printableSign(k: number): [Cipher, number, boolean] | null {
  const [sign, kind, prefix] = SIGNS[k];
  if (URL_SCHEMES.has(prefix)) return [kind, sign.length, READ_BACKWARDS.has(kind)];
  return (kind === 'rot47' || isTyped(kind)) && !ARMOUR_SIGNS.has(sign) ? [kind, sign.length, false] : null;
}


/** How far around a transformed prefix the text is transformed: past any credential, armoured keys included. */
const REACH = 8192;

/** A stretch's edge moved (by at most a line's length) to white space, so that it does not cut a word or run in two. */
function toSpace(text: string, at: number, step: -1 | 1): number {
  for (let k = 0; k < 256; k++) {
    if (at <= 0 || at >= text.length || /\s/.test(text[step < 0 ? at - 1 : at])) return at;
    at += step;
  }
  return at;
}

/**
 * Around each transformed prefix the text shows, that stretch of it ROT13'd, reversed, or both (a
 * credential lies within REACH of its prefix, after it or, reversed, before it); overlapping stretches of
 * one kind are one. Only the stretches are transformed, so a long text with one stray sign costs little.
 * `kinds`, where given, limits the scrambles undone; `gated` false reads a sign without looking at the text around it
 * (the reading of a composed sign, which was looked at as written).
 */
export function unscrambled(text: string, signHits?: number[], kinds?: readonly Cipher[], gated = true): Transformed[] {
  const out: Transformed[] = [];
  const n = text.length;
  const stretches = new Map<Cipher, Array<[number, number]>>();
  // Where a prefix typed to the side stands, and which: its reading is written back whole.
  const typedAside: Array<[number, string, Cipher]> = [];
  // The signs' hits (flat: sign, end, …) from a pass the caller already made over this text, or this one's.
  const hits = signHits ?? signs.foundAt(text);
  for (let h = 0; h < hits.length; h += 2) {
    const k = hits[h];
    const end = hits[h + 1];
    const [sign, kind, prefix] = SIGNS[k];
    if (kinds && !kinds.includes(kind)) continue;
    if (!ANY_CASE.has(sign) && !text.startsWith(sign, end - sign.length)) continue;
    const follows = followedAs(kind);
    if (gated && follows !== null && !ARMOUR_SIGNS.has(sign) && !keyFollows(text, end - sign.length, end, follows)) continue;
    const under = REVERSED_UNDER[kind];
    if (under !== undefined && !ARMOUR_SIGNS.has(sign) && !keyPrecedes(text, end - sign.length, end, under)) continue;
    const from = toSpace(text, Math.max(0, end - sign.length - REACH), -1);
    const to = toSpace(text, Math.min(n, end + REACH), 1);
    const steps = composedSteps(kind);
    if (isTyped(kind)) typedAside.push([end - sign.length, prefix, kind]);
    // Ciphered, then typed to the side: typed back, the prefix is written as ciphered.
    else if (steps && isTyped(steps[1])) typedAside.push([end - sign.length, SUBSTITUTE[steps[0] as Substitution](prefix), kind]);
    const list = stretches.get(kind) ?? [];
    const last = list[list.length - 1];
    if (last && from <= last[1]) {
      last[0] = Math.min(last[0], from);
      last[1] = Math.max(last[1], to);
    } else list.push([from, to]);
    stretches.set(kind, list);
  }
  // Hits come in order of their ends: signs of different lengths may start out of order.
  typedAside.sort((x, y) => x[0] - y[0]);
  for (const [kind, list] of stretches) {
    for (const [a, b] of list) {
      const part = text.slice(a, b);
      const m = part.length;
      if (isTyped(kind)) {
        out.push({ text: typedBack(part, kind, kind, a, typedAside), place: (s, e) => [a + s, a + e] });
        continue;
      }
      const steps = composedSteps(kind);
      if (steps) {
        // The last step undone (positions kept), and what is left read as the first step alone.
        const [first, last] = steps;
        const then = first === 'rot47' ? rot47 : undefined;
        const read = isTyped(last) ? typedBack(part, last, kind, a, typedAside, then) : SUBSTITUTE[last as Substitution](part);
        // Its signs stand where the composed sign stood, which the text around passed (keyFollows) as written:
        // deciphered, the quote before a key in JSON text reads as a letter (ROT47 turns `"` into `Q`).
        for (const u of unscrambled(read, undefined, [first], false)) out.push({ text: u.text, place: (s, e) => u.place(s, e).map((x) => a + x) as [number, number] });
        // ROT47 makes quotes and backslashes, which JSON text (tool call arguments) then escapes: read unescaped too.
        if (steps.includes('rot47') && part.includes('\\')) {
          const { read: bare, origin } = jsonUnescaped(part);
          const signsIn = typedAside.map(([from, prefix, k]): [number, string, Cipher] => [a + firstAtOrAfter(origin, from - a), prefix, k]);
          const again = isTyped(last) ? typedBack(bare, last, kind, a, signsIn, then) : rot47(bare);
          for (const u of unscrambled(again, undefined, [first], false)) out.push({ text: u.text, place: (s, e) => u.place(s, e).map((x) => a + origin[x]) as [number, number] });
        }
        continue;
      }
      if (kind === 'rot13' || kind === 'rot47' || kind === 'atbash') {
        const read = kind === 'rot13' ? keepEscapes(part, rot13(part)) : kind === 'rot47' ? rot47(part) : keepEscapes(part, atbash(part));
        out.push({ text: read, place: (s, e) => [a + s, a + e] });
        if (kind === 'rot47' && part.includes('\\')) out.push(rot47InJson(part, a));
        continue;
      }
      // Reversal by UTF-16 unit would split surrogate pairs; the prefixes are ASCII, and a reversed text's
      // findings are placed by mirroring, which holds while every character is one unit (checked).
      if (SURROGATE.test(part)) continue;
      const back = reversed(part);
      if (kind === 'keys right reversed' || kind === 'keys left reversed') {
        // Typed to the side and then reversed: the stretch reversed is a text typed to the side, read as one.
        for (const u of unscrambled(back, undefined, [REVERSED_UNDER[kind]!])) out.push({ text: u.text, place: (s, e) => u.place(s, e).map((x) => a + m - x).reverse() as [number, number] });
        continue;
      }
      const read = kind === 'reversed' ? back : kind === 'both' ? rot13(back) : kind === 'rot47 reversed' ? rot47(back) : atbash(back);
      out.push({ text: read, place: (s, e) => [a + m - e, a + m - s] });
    }
  }
  return out;
}

/**
 * A stretch typed one key to the side, typed back (each character as its neighbour the other way), with the
 * prefixes found in it (`at`: the stretch's offset) written whole: a shift left types a row's first key for
 * itself and for the key beside it (`AKIA` as `AJUA`, which typed back reads `SKIS`). A key's own characters
 * so read stay letters and digits (`a` read as `s`), which its format asks; `1`, typed as `` ` ``, reads back.
 */
function typedBack(part: string, shift: KeyboardShift, kind: Cipher, at: number, prefixes: ReadonlyArray<[number, string, Cipher]>, then?: (s: string) => string): string {
  const back = shift === 'keys right' ? keysLeft(part) : keysRight(part);
  const read = then ? atRowEdges(part, back, shift, then) : back;
  // Pieces joined once: a stretch may hold many prefixes (one written again per prefix would be quadratic).
  let out = '';
  let k = 0;
  for (const [from, prefix, signKind] of prefixes) {
    const i = from - at;
    if (signKind !== kind || i < k || i + prefix.length > read.length) continue;
    out += read.slice(k, i) + prefix;
    k = i + prefix.length;
  }
  return out + read.slice(k);
}

/**
 * A key ROT47'd before it was typed to the side holds every printable character, and a row's edge types as
 * itself as well as its neighbour (`=` typed right is `=` or `-`): where a character so typed is read back,
 * the one that `then` (the cipher undone next) turns into a letter, digit, `-` or `_` is kept, as a key's body is made of them.
 */
function atRowEdges(part: string, back: string, shift: KeyboardShift, then: (s: string) => string): string {
  let out = '';
  let k = 0;
  for (let i = 0; i < part.length; i++) {
    const typed = part[i];
    if (back[i] === typed || TYPE[shift](typed) !== typed) continue;
    const [read, kept] = [then(back[i]).charCodeAt(0), then(typed).charCodeAt(0)];
    // Between two letters, the capital: a key of mixed case matches either way, an AWS key id only so.
    if (!isKeyChar(kept) || (isKeyChar(read) && !(read >= 97 && read <= 122 && !(kept >= 97 && kept <= 122)))) continue;
    out += back.slice(k, i) + typed;
    k = i + 1;
  }
  return k === 0 ? back : out + back.slice(k);
}

/**
 * A ROT47'd stretch held in JSON text (tool call arguments), read with its `\"` and `\\` unescaped first:
 * ROT47 turns letters into quotes and backslashes, which JSON then escapes inside the key.
 */
export function rot47InJson(part: string, at: number): Transformed {
  const { read, origin } = jsonUnescaped(part);
  return { text: rot47(read), place: (s, e) => [at + origin[s], at + origin[e]] };
}

/** The part with its `\"` and `\\` unescaped, and where each of its characters (and its end) stood in the part. */
function jsonUnescaped(part: string): { read: string; origin: number[] } {
  const origin: number[] = [];
  let read = '';
  for (let i = 0; i < part.length; i++) {
    origin.push(i);
    const escaped = part[i] === '\\' && (part[i + 1] === '"' || part[i + 1] === '\\');
    read += escaped ? part[++i] : part[i];
  }
  origin.push(part.length);
  return { read, origin };
}

/**
 * ROT13'd or Atbash'd text with the letter of each escape written as text (`\n` of a fenced block in JSON
 * held in a string) kept as it was: turned, `\nfx_…` would read `\ask_…`, the key glued to an `a`.
 */
function keepEscapes(part: string, turned: string): string {
  if (!part.includes('\\')) return turned;
  return turned.replace(/\\[A-Za-z]/g, (_, at: number) => part.slice(at, at + 2));
}

