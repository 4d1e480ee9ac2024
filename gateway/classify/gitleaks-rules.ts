// gitleaks' default rule set (pinned data in gitleaks/rules.json, MIT; scripts/update-gitleaks.sh) run
// the way gitleaks runs it: a rule is tried only when one of its keywords occurs in the text (one pass of
// a keyword automaton over the whole text picks the rules), its RE2 pattern translated to JavaScript once
// at load; the secret is the rule's secret group (or its first non-empty group), kept only above the
// rule's entropy, and dropped when an allowlist (gitleaks' global one, the rule's own) or a stopword says
// it is a known non-secret (placeholders, `${VAR}`, test values such as AWS's `…EXAMPLE`; file names, ours).
// Rules that apply only to a file path (a `.tf`, `nuget.config`, `.p12` file) are left out: a request has
// no file path.
import data from './gitleaks/rules.json' with { type: 'json' };
import { codeReference, entropy } from './checks.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { re2ToJs } from './re2-to-js.js';
import { presetRules } from './preset-rules.js';
import { leadingLiterals } from './leading-literals.js';

interface AllowlistData {
  regexes?: string[];
  regexTarget?: 'secret' | 'match' | 'line';
  stopwords?: string[];
  condition?: 'OR' | 'AND';
  paths?: string[];
  commits?: string[];
}
interface RuleData {
  id: string;
  regex?: string;
  secretGroup?: number;
  entropy?: number;
  keywords?: string[];
  path?: string;
  allowlists?: AllowlistData[];
}

interface Allowlist {
  regexes: RegExp[];
  target: 'secret' | 'match' | 'line';
  stopwords: string[];
  /** AND: every criterion must hold; a path or commit criterion never holds for a request. */
  all: boolean;
  impossible: boolean;
}

export interface GitleaksRule {
  id: string;
  /** The rule id in camelCase (`awsAccessToken`): the kind of its findings, and (upper snake) its placeholder's label. */
  kind: string;
  dataClass: string;
  pattern: RegExp;
  /**
   * The pattern, sticky, where every match starts with one of `startWords` (its leading literals say so):
   * tried only where the keyword pass found one, not at every character of the text.
   */
  atKeyword: RegExp | null;
  /**
   * Lower case; the words every match starts with: the rule's keywords where each leading literal starts
   * with one, else the leading literals themselves (`lob-api-key` is picked by `test_` but starts `lob`);
   * none where a match may start anywhere (atKeyword null).
   */
  startWords: string[];
  secretGroup: number;
  entropy: number;
  /** Lower case; the rule is tried only on a text holding one of them (none: always). */
  keywords: string[];
  allowlists: Allowlist[];
}

export interface GitleaksMatch {
  ruleId: string;
  kind: string;
  dataClass: string;
  /** The secret's offsets in the text. */
  start: number;
  end: number;
}

export const version: string = data.version;

// A leading lazy, optional run (`[\w.-]{0,50}?`, the name before an assignment) changes where a match
// starts, never whether one exists or what its secret group holds; without it a pattern fails at most
// positions on its first character instead of reading up to 50 characters there first.
const LEADING_NAME = /^((?:\(\?i\))?(?:\(\?i:)?)\[\\w\.-\]\{0,50\}\?/;

function compileAllowlist(a: AllowlistData): Allowlist {
  return {
    regexes: (a.regexes ?? []).map((r) => new RegExp(re2ToJs(r))),
    target: a.regexTarget ?? 'secret',
    stopwords: (a.stopwords ?? []).map((w) => w.toLowerCase()),
    all: a.condition === 'AND',
    impossible: (a.paths?.length ?? 0) > 0 || (a.commits?.length ?? 0) > 0,
  };
}

const camel = (id: string): string => id.replace(/[-_.]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function dataClassOf(id: string): string {
  return /private-key/.test(id) ? 'secret.private_key' : 'secret.api_key';
}

// Patterns that are linear under RE2 but not under a backtracking engine: `\bcurl\b(?:.*?|.*?(?:[\r\n]{1,2}.*?){1,5})`
// reads to the end of the line from every `curl`, and then backtracks over up to five lines (a 64 KB body
// of `curl curl …` took seconds). Left out rather than let one body hold a thread that long; the bearer
// and basic-auth detectors still read the credentials such commands carry.
const NOT_LINEAR = new Set(['curl-auth-header', 'curl-auth-user']);

// The shortest leading literal (not a keyword) a rule is tried at: a shorter one occurs at so many places
// that a search of the whole text costs less than trying the pattern at each.
const SHORTEST_START = 3;

/** Where a pattern's matches can start (see atKeyword, startWords): its sticky form and its start words. */
function anchoring(js: string, flags: string, keywords: string[]): Pick<GitleaksRule, 'atKeyword' | 'startWords'> {
  const starts = leadingLiterals(js);
  if (starts === null || keywords.length === 0) return { atKeyword: null, startWords: [] };
  if (starts.every((p) => keywords.some((k) => p.startsWith(k)))) return { atKeyword: new RegExp(js, `y${flags}`), startWords: keywords };
  if (starts.some((p) => p.length < SHORTEST_START)) return { atKeyword: null, startWords: [] };
  return { atKeyword: new RegExp(js, `y${flags}`), startWords: starts };
}

const allRules = data.rules as RuleData[];
const applies = (r: RuleData): boolean => Boolean(r.regex) && !r.path && !NOT_LINEAR.has(r.id);
/** The rules that apply to a request (a pattern, no file-path condition). */
export const rules: GitleaksRule[] = allRules
  .filter(applies)
  .map((r) => {
    let source = r.regex!;
    while (LEADING_NAME.test(source)) source = source.replace(LEADING_NAME, '$1');
    const js = re2ToJs(source);
    const keywords = (r.keywords ?? []).map((k) => k.toLowerCase());
    return {
      id: r.id,
      kind: camel(r.id),
      dataClass: dataClassOf(r.id),
      pattern: new RegExp(js, 'gd'),
      ...anchoring(js, 'd', keywords),
      secretGroup: r.secretGroup ?? 0,
      entropy: r.entropy ?? 0,
      keywords,
      allowlists: (r.allowlists ?? []).map(compileAllowlist),
    };
  });
/** Rules of the reference left out, with why: for the README's coverage figure and its test. */
export const leftOut: Array<{ id: string; why: string }> = allRules
  .filter((r) => !applies(r))
  .map((r) => ({ id: r.id, why: !r.regex ? 'a file name, no content pattern' : r.path ? 'applies to a file path only' : 'not linear without RE2' }));

const globalAllowlist = compileAllowlist({ regexes: data.allowlist.regexes, stopwords: data.allowlist.stopwords });
// Ours, beside gitleaks' own: a file name is not a secret (`key: signing-ed25519.pem` in a chart, a
// `join(dir, 'keys', 'tls.key')` in code read as an assignment by the generic rule).
const localAllowlist = compileAllowlist({ regexes: ['^[\\w.-]+\\.(?:pem|crt|cer|csr|key|pub|der|p12|pfx|jks|json|ya?ml|toml|txt|env|cfg|conf|ini)$'] });

// The preset's rules, anchored the same way (their patterns are global: the sticky form drops the `g`).
const presetAnchoring = presetRules.map((r) => anchoring(r.pattern.source, r.pattern.flags.replace('g', ''), r.keywords));

// The automaton's words, numbered as hits name them: each a rule's keyword (which picks the rule), a word
// its matches start with (where it is tried), or both; owners after gitleaks' rules are the preset's.
const keywordOwners: number[] = [];
const keywords: string[] = [];
const picks: boolean[] = [];
const marksStart: boolean[] = [];
/** The words of the rule sets' keyword pass, in the order secretRuleMatches' hits number them. */
export const RULE_KEYWORDS: readonly string[] = keywords;
function addWord(owner: number, word: string, pick: boolean, start: boolean): void {
  keywords.push(word);
  keywordOwners.push(owner);
  picks.push(pick);
  marksStart.push(start);
}
function addWords(owner: number, ruleKeywords: readonly string[], startWords: readonly string[]): void {
  for (const k of ruleKeywords) addWord(owner, k, true, startWords.includes(k));
  for (const w of startWords) if (!ruleKeywords.includes(w)) addWord(owner, w, false, true);
}
const alwaysRun: number[] = [];
rules.forEach((r, i) => {
  if (r.keywords.length === 0) alwaysRun.push(i);
  addWords(i, r.keywords, r.startWords);
});
presetRules.forEach((r, i) => addWords(rules.length + i, r.keywords, presetAnchoring[i].startWords));
const automaton = new KeywordAutomaton(keywords);

// Ours too: a digest named by its algorithm (`sha256:…`, an image digest or a checksum in a manifest) is
// public, not a credential, though the generic rule reads it as a value assigned after a word such as `api`.
const DIGEST_LABEL = /(?:sha(?:1|224|256|384|512)|sha3-(?:224|256|384|512)|md5|blake2[bs]?)[:=]$/i;
const DIGEST = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})\.?$/i;
function labelledDigest(text: string, start: number, secret: string): boolean {
  return DIGEST.test(secret) && DIGEST_LABEL.test(text.slice(Math.max(0, start - 9), start));
}

function allowed(a: Allowlist, secret: string, match: string, line: string): boolean {
  if (a.impossible && a.all) return false;
  const target = a.target === 'match' ? match : a.target === 'line' ? line : secret;
  const byRegex = a.regexes.length > 0 && a.regexes.some((r) => r.test(target));
  const lower = secret.toLowerCase();
  const byStopword = a.stopwords.length > 0 && a.stopwords.some((w) => lower.includes(w));
  if (!a.all) return byRegex || byStopword;
  return (a.regexes.length === 0 || byRegex) && (a.stopwords.length === 0 || byStopword);
}

function lineAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const to = text.indexOf('\n', end);
  return text.slice(from, to < 0 ? text.length : to);
}

/** Every secret gitleaks' rules find in `text`, in order of rule then position. Synchronous; linear in the text for all but the rules whose keywords occur. */
export function gitleaksMatches(text: string, only?: string): GitleaksMatch[] {
  return secretRuleMatches(text, only).filter((m) => m.ruleId !== PRESET);
}

const PRESET = 'secretlint-preset';

/**
 * gitleaks' rules and the preset's (preset-rules.ts) from one keyword pass: gitleaks' first, each in order of
 * rule then position. `hits`: that pass over `text` (flat keyword, end…, keywords numbered as RULE_KEYWORDS),
 * where the caller has made it already (keyword-pass.ts, shared with the detector table).
 */
export function secretRuleMatches(text: string, only?: string, hits: readonly number[] = automaton.foundAt(text)): GitleaksMatch[] {
  const out: GitleaksMatch[] = [];
  const candidates = new Set<number>(alwaysRun);
  // Where each anchored rule's start words start, ascending by their ends (sorted below).
  const wordStarts = new Map<number, number[]>();
  for (let h = 0; h < hits.length; h += 2) {
    const k = hits[h];
    const i = keywordOwners[k];
    if (picks[k]) candidates.add(i);
    if (marksStart[k]) {
      const start = hits[h + 1] - keywords[k].length;
      const list = wordStarts.get(i);
      if (list === undefined) wordStarts.set(i, [start]);
      else list.push(start);
    }
  }
  for (const i of [...candidates].sort((a, b) => a - b)) {
    if (i >= rules.length) {
      if (only === undefined) presetMatches(i - rules.length, text, out, wordStarts.get(i) ?? []);
      continue;
    }
    const rule = rules[i];
    if (only !== undefined && rule.id !== only) continue;
    for (const m of ruleMatches(rule, text, wordStarts.get(i) ?? [])) {
      let g = rule.secretGroup;
      if (g === 0) for (let k = 1; k < m.length; k++) if (m[k]) { g = k; break; }
      const [start, end] = g > 0 && m.indices![g] ? m.indices![g]! : [m.index, m.index + m[0].length];
      const secret = text.slice(start, end);
      if (secret.length === 0) continue;
      if (rule.entropy > 0) {
        if (entropy(secret) <= rule.entropy) continue;
        // gitleaks' own extra condition for its generic rules: a secret without a digit is a word.
        if (rule.id.startsWith('generic') && !/[0-9]/.test(secret)) continue;
      }
      // Ours: the generic rule's "secret" that names code in an installed package's source.
      if (rule.id.startsWith('generic') && codeReference(secret, text, start)) continue;
      if (labelledDigest(text, start, secret)) continue;
      const line = lineAround(text, m.index, m.index + m[0].length);
      if (allowed(globalAllowlist, secret, m[0], line) || allowed(localAllowlist, secret, m[0], line) || rule.allowlists.some((a) => allowed(a, secret, m[0], line))) continue;
      out.push({ ruleId: rule.id, kind: rule.kind, dataClass: rule.dataClass, start, end });
    }
  }
  return out;
}

/**
 * A rule's matches in `text`, in order, as a global search finds them: for an anchored rule, tried at its
 * start words' starts only (`starts`, from the keyword pass), which are the only places one can begin.
 */
export function ruleMatches(rule: Pick<GitleaksRule, 'pattern' | 'atKeyword'>, text: string, starts?: number[]): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (rule.atKeyword !== null && starts !== undefined) {
    const re = rule.atKeyword;
    let from = 0;
    for (const p of starts.sort((a, b) => a - b)) {
      if (p < from) continue;
      re.lastIndex = p;
      const m = re.exec(text);
      if (m === null) continue;
      out.push(m);
      from = p + Math.max(1, m[0].length);
    }
    return out;
  }
  const re = rule.pattern;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    out.push(m);
  }
  return out;
}

function presetMatches(n: number, text: string, out: GitleaksMatch[], starts: number[]): void {
  const rule = presetRules[n];
  for (const m of ruleMatches({ pattern: rule.pattern, atKeyword: presetAnchoring[n].atKeyword }, text, starts)) {
    if (rule.accept && !rule.accept(m.groups ?? {})) continue;
    out.push({ ruleId: PRESET, kind: rule.kind, dataClass: rule.dataClass, start: m.index, end: m.index + m[0].length });
  }
}
