// RE2 (Go regexp) syntax as a JavaScript regular expression, for the rule sets written for RE2
// (gitleaks). Written by hand: Node 20 has no inline modifiers (`(?i)`, `(?i:…)`, `(?-i:…)`), and no
// maintained package translates them; case-insensitive scopes are spelt out letter by letter here
// (`k` → `[kK]`, `[a-f]` → `[a-fA-F]`), so one pattern can mix sensitive and insensitive parts exactly.
// Also: `(?s)`/`(?s:…)` dot-all scopes (`.` → `[\s\S]`), `(?P<name>` groups, `\z` and `\A`, POSIX
// classes (`[[:alnum:]]`). Anything else RE2-only (`\Q…\E`, `\pN`, `(?m)`, `(?U)`) is refused, so a rule
// is never silently read in another sense.

export class UnsupportedRe2 extends Error {}

const POSIX: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
};

const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);
const swap = (c: string): string => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

interface Flags {
  i: boolean;
  s: boolean;
}

/** Applies a flag string such as `i`, `is`, `-i`, `i-s` to `flags`; refuses flags JavaScript cannot mirror here. */
function applyFlags(spec: string, flags: Flags): Flags {
  const out = { ...flags };
  let on = true;
  for (const c of spec) {
    if (c === '-') on = false;
    else if (c === 'i') out.i = on;
    else if (c === 's') out.s = on;
    else throw new UnsupportedRe2(`flag ${c}`);
  }
  return out;
}

/** The pattern as JavaScript source (to be compiled without the `i`, `s`, `m` or `u` flags). */
export function re2ToJs(source: string): string {
  let out = '';
  let flags: Flags = { i: false, s: false };
  const saved: Flags[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined) throw new UnsupportedRe2('trailing backslash');
      if (e === 'z') out += '$';
      else if (e === 'A') out += '^';
      else if (e === 'Q' || e === 'E' || e === 'p' || e === 'P' || e === 'C') throw new UnsupportedRe2(`\\${e}`);
      else if (flags.i && isLetter(e) && !/[dDwWsSbBnrtfvx0-9]/.test(e)) out += `[${e}${swap(e)}]`;
      else out += c + e;
      i += 2;
      continue;
    }
    if (c === '(') {
      if (source[i + 1] === '?') {
        const flagGroup = /^\(\?([a-zA-Z-]+)(\)|:)/.exec(source.slice(i));
        if (flagGroup) {
          if (flagGroup[2] === ')') {
            // Applies to the rest of the enclosing group.
            flags = applyFlags(flagGroup[1], flags);
          } else {
            saved.push(flags);
            flags = applyFlags(flagGroup[1], flags);
            out += '(?:';
          }
          i += flagGroup[0].length;
          continue;
        }
        if (source.startsWith('(?P<', i)) {
          saved.push(flags);
          out += '(?<';
          i += 4;
          continue;
        }
        if (source.startsWith('(?:', i) || source.startsWith('(?<', i)) {
          saved.push(flags);
          out += source.slice(i, i + 3);
          i += 3;
          continue;
        }
        throw new UnsupportedRe2(`group ${source.slice(i, i + 4)}`);
      }
      saved.push(flags);
      out += '(';
      i++;
      continue;
    }
    if (c === ')') {
      const back = saved.pop();
      if (back === undefined) throw new UnsupportedRe2('unbalanced )');
      flags = back;
      out += ')';
      i++;
      continue;
    }
    if (c === '[') {
      const { text, end } = charClass(source, i, flags.i);
      out += text;
      i = end;
      continue;
    }
    if (c === '.') {
      out += flags.s ? '[\\s\\S]' : '.';
      i++;
      continue;
    }
    if (c === '{') {
      // A quantifier is copied whole, so its digits are not read as anything else.
      const q = /^\{\d*(?:,\d*)?\}/.exec(source.slice(i));
      if (q) {
        out += q[0];
        i += q[0].length;
        continue;
      }
      out += '\\{';
      i++;
      continue;
    }
    if (c === '}') {
      out += '\\}';
      i++;
      continue;
    }
    if (c === '/') {
      out += '\\/';
      i++;
      continue;
    }
    out += flags.i && isLetter(c) ? `[${c}${swap(c)}]` : c;
    i++;
  }
  if (saved.length > 0) throw new UnsupportedRe2('unbalanced (');
  return out;
}

/** A character class starting at `start` (the `[`), in JavaScript syntax; with `ci`, each letter or letter range gains its other case. */
function charClass(source: string, start: number, ci: boolean): { text: string; end: number } {
  let i = start + 1;
  let negated = false;
  if (source[i] === '^') {
    negated = true;
    i++;
  }
  const items: string[] = [];
  const extra: string[] = [];
  let first = true;
  for (;;) {
    if (i >= source.length) throw new UnsupportedRe2('unterminated class');
    const c = source[i];
    if (c === ']' && !first) break;
    first = false;
    if (source.startsWith('[:', i)) {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
      if (!m || !(m[2] in POSIX) || m[1]) throw new UnsupportedRe2(`class ${source.slice(i, i + 10)}`);
      items.push(POSIX[m[2]]);
      i += m[0].length;
      continue;
    }
    // One atom: an escape or a character, maybe the start of a range.
    const atom = (at: number): { text: string; char: string | null; next: number } => {
      if (source[at] === '\\') {
        const e = source[at + 1];
        if (e === 'x') {
          const hex = /^[0-9A-Fa-f]{2}/.exec(source.slice(at + 2));
          if (!hex) throw new UnsupportedRe2('\\x');
          return { text: source.slice(at, at + 4), char: String.fromCharCode(parseInt(hex[0], 16)), next: at + 4 };
        }
        if (e === 'p' || e === 'P' || e === 'Q') throw new UnsupportedRe2(`\\${e}`);
        return { text: '\\' + e, char: /[dDwWsSbBnrtfv]/.test(e) ? null : e, next: at + 2 };
      }
      const ch = source[at];
      // `-` escaped: the other case's ranges are appended after it and must not join it into a range.
      return { text: ch === '[' || ch === '/' || ch === '-' ? '\\' + ch : ch, char: ch, next: at + 1 };
    };
    const a = atom(i);
    if (source[a.next] === '-' && source[a.next + 1] !== ']' && a.char !== null) {
      const b = atom(a.next + 1);
      items.push(`${a.text}-${b.text}`);
      if (ci && b.char && isLetter(a.char) && isLetter(b.char) && (a.char === a.char.toLowerCase()) === (b.char === b.char.toLowerCase())) {
        extra.push(`${swap(a.char)}-${swap(b.char)}`);
      }
      i = b.next;
      continue;
    }
    items.push(a.text);
    if (ci && a.char && isLetter(a.char)) extra.push(swap(a.char));
    i = a.next;
  }
  return { text: `[${negated ? '^' : ''}${items.join('')}${extra.join('')}]`, end: i + 1 };
}
