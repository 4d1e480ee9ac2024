// The literal text a regular expression's matches can start with, read from its JavaScript source: for a
// rule whose every possible start begins with one of its keywords, the keyword pass already says where a
// match can start, and the pattern is tried there only instead of at every character of the text
// (gitleaks-rules.ts). Written by hand: no parser of JavaScript patterns is installed, and only the start
// of a pattern is read, in a small subset; anything outside it ends the literal start there. Pure.

type Item = { kind: 'chars'; chars: string[] } | { kind: 'group'; alternatives: Item[][] } | { kind: 'end' };
interface Branch {
  text: string;
  /** Whether the literal start may go on (no construct outside the subset met yet). */
  open: boolean;
}

/**
 * The starts, in small letters, that every match of `source` begins with (each read up to the first
 * construct that is not a literal: a class of many characters, a repetition, an anchor); null when there
 * would be more than `limit` of them.
 */
export function leadingLiterals(source: string, limit = 256): string[] | null {
  const [alternatives] = parseAlternatives(source, 0);
  const branches = follow([{ text: '', open: true }], { kind: 'group', alternatives }, limit);
  return branches === null ? null : [...new Set(branches.map((b) => b.text))];
}

function follow(from: Branch[], item: Item, limit: number): Branch[] | null {
  const out: Branch[] = from.filter((b) => !b.open);
  const open = from.filter((b) => b.open);
  if (open.length === 0) return out;
  if (item.kind === 'end') return [...out, ...open.map((b) => ({ text: b.text, open: false }))];
  if (item.kind === 'chars') {
    for (const b of open) for (const c of item.chars) out.push({ text: b.text + c, open: true });
  } else {
    for (const alternative of item.alternatives) {
      let branches: Branch[] | null = open;
      for (const next of alternative) {
        branches = follow(branches, next, limit);
        if (branches === null) return null;
      }
      out.push(...branches);
    }
  }
  return out.length > limit ? null : out;
}

// An assertion such as `\b`: a group whose one alternative is empty (it reads no character).
const ZERO_WIDTH: Item = { kind: 'group', alternatives: [[]] };

/** The alternatives from `at` up to the `)` closing their group (or the end), and where that is. */
function parseAlternatives(source: string, at: number): [Item[][], number] {
  const alternatives: Item[][] = [[]];
  let i = at;
  while (i < source.length && source[i] !== ')') {
    if (source[i] === '|') {
      alternatives.push([]);
      i++;
      continue;
    }
    const [item, next] = parseItem(source, i);
    i = next;
    const items = alternatives[alternatives.length - 1];
    // A quantifier: `?` makes the item optional; any other may repeat it, so the literal start ends before it.
    const q = source[i];
    if (q === '?' || q === '*' || q === '+' || q === '{') {
      const end = q === '{' ? source.indexOf('}', i) + 1 : i + 1;
      i = source[end] === '?' ? end + 1 : end;
      items.push(q === '?' ? { kind: 'group', alternatives: [[item], []] } : { kind: 'end' });
      continue;
    }
    items.push(item);
  }
  return [alternatives, i + 1];
}

function parseItem(source: string, i: number): [Item, number] {
  const c = source[i];
  if (c === '(') {
    // A lookaround reads no character: the literal start goes on past it (`(?<!\p{L})gsk_` starts `gsk_`).
    if (source.startsWith('(?=', i) || source.startsWith('(?!', i) || source.startsWith('(?<=', i) || source.startsWith('(?<!', i)) return [ZERO_WIDTH, skipGroup(source, i)];
    const open = source.startsWith('(?:', i) ? i + 3 : source.startsWith('(?<', i) ? source.indexOf('>', i) + 1 : i + 1;
    const [alternatives, next] = parseAlternatives(source, open);
    return [{ kind: 'group', alternatives }, next];
  }
  if (c === '[') {
    const close = classEnd(source, i);
    const members = source.slice(i + 1, close);
    // Only a class of single characters, none negated, ranged or a class escape (`[aA]`, `[pousr]`).
    if (/^(?:[A-Za-z0-9_]|\\[.\-/_])+$/.test(members)) return [{ kind: 'chars', chars: [...new Set(members.replace(/\\/g, '').toLowerCase())] }, close + 1];
    return [{ kind: 'end' }, close + 1];
  }
  if (c === '\\') {
    const e = source[i + 1];
    if (e === 'b' || e === 'B') return [ZERO_WIDTH, i + 2];
    if (/[.\-/_~:=@#%&,;'"]/.test(e)) return [{ kind: 'chars', chars: [e] }, i + 2];
    return [{ kind: 'end' }, i + 2];
  }
  if (/[A-Za-z0-9_\-~:=@#%&,;'"!<>/ ]/.test(c)) return [{ kind: 'chars', chars: [c.toLowerCase()] }, i + 1];
  // `.`, `^`, `$` and whatever else: the literal start ends here.
  return [{ kind: 'end' }, i + 1];
}

function classEnd(source: string, i: number): number {
  let k = i + 1;
  while (k < source.length && source[k] !== ']') k += source[k] === '\\' ? 2 : 1;
  return k;
}

function skipGroup(source: string, i: number): number {
  let depth = 0;
  for (let k = i; k < source.length; k++) {
    if (source[k] === '\\') k++;
    else if (source[k] === '[') k = classEnd(source, k);
    else if (source[k] === '(') depth++;
    else if (source[k] === ')' && --depth === 0) return k + 1;
  }
  return source.length;
}
