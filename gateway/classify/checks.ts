// Validators that turn a pattern match into a finding; they cut false positives the regexes alone would let through.
import { percentBytes } from '../text/encoded-runs.js';

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

/** Luhn checksum over the digits of a candidate card number. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// Verhoeff tables (dihedral group D5), the checksum of India's Aadhaar numbers.
const verhoeffD = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const verhoeffP = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function passesVerhoeff(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    c = verhoeffD[c][verhoeffP[i % 8][digits.charCodeAt(digits.length - 1 - i) - 48]];
  }
  return c === 0;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A bearer credential looks random: long, mixed letters and digits, high entropy. */
export function looksLikeToken(s: string): boolean {
  return s.length >= 20 && /[A-Za-z]/.test(s) && (/\d/.test(s) || randomWithoutDigits(s)) && entropy(s) >= 3.5;
}

export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

/** A value assigned to a credential-named field that looks generated rather than written: letters and digits, high entropy. */
export function looksLikeSecretValue(s: string): boolean {
  // Percent-encoded (a URL's query), a value is judged decoded: escapes look random, the words they spell do
  // not. Words are parted by spaces, not by the invisible characters (a byte-order mark is `\s` too) put in a key.
  if (PERCENT_ESCAPE.test(s)) {
    const plain = percentBytes(s).toString('utf8');
    if (/[ \t\n\r\u00a0]/.test(plain)) return false;
    s = plain;
  }
  return s.length >= 12 && /[A-Za-z]/.test(s) && (/\d/.test(s) || randomWithoutDigits(s)) && entropy(s) >= 3.3;
}

/**
 * A generated value that happens to hold no digit (one 40-character AWS secret key in about 900, one
 * 16-character password drawn from letters and digits in about 16): twelve characters or more, a quarter
 * of them capitals and a quarter small letters (random letters are about half of each; a CamelCase name
 * or a passphrase has one capital a word), the letters not in runs of words (under three letters a word
 * below twenty characters, where `_AzureApiKeyT` is a type's name), entropy near the most its length allows.
 */
export function randomWithoutDigits(s: string): boolean {
  return s.length >= 12 && atLeastOfEachCase(s, Math.ceil(s.length / 4)) && lettersPerWord(s.replace(/[^A-Za-z]/g, '')) < (s.length >= 20 ? 4 : 3) && entropy(s) >= Math.min(3.7, Math.log2(s.length) - 0.4);
}

/** At least `n` capitals and `n` small letters. */
export function atLeastOfEachCase(m: string, n: number): boolean {
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) upper++;
    else if (c >= 0x61 && c <= 0x7a) lower++;
  }
  return upper >= n && lower >= n;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Letters and digits per word of a name (`Socks5Auth`: Socks, 5, Auth): 3 or more for names, about 1.7 for random text. */
export function lettersPerWord(name: string): number {
  const words = name.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g)?.length ?? 0;
  return words === 0 ? 0 : name.replace(/[^A-Za-z0-9]/g, '').length / words;
}

/**
 * A value assigned in code that names code instead of holding a credential (installed packages' sources:
 * `self.embed_tokens = TextScaledWordEmbedding(`, `exports.ClientAuthentication = exports.OAuth2Client`,
 * `authType = constants_1.Socks5Auth.NoAuth`): unquoted, and a call or an index of a name, or a path of
 * two or more names, each name made of words. A quoted value is always read (`password = "Summer2024Pass"`
 * is a password), as is a random part anywhere (`s.Ab3dE5…`, a JWT's `eyJ…`, `Ab3dE5fG7hJ9(`).
 */
export function codeReference(value: string, text: string, at: number): boolean {
  const before = text[at - 1];
  if (before === '"' || before === "'" || before === '`') return false;
  // Every name made of words, whatever the case: a random value glued to `(` or put on an import line by
  // someone who wants it through is still read.
  const names = value.split('.');
  if (!names.every((n) => IDENTIFIER.test(n) && n.length >= 2 && lettersPerWord(n) >= 3)) return false;
  if (names.length >= 2) return true;
  const after = text[at + value.length];
  // A call or an index of a name, or a name in an import (`from transformers import AutoTokenizer,
  // Qwen3ForCausalLM`: `Tokenizer,` read as an assignment by the generic rule).
  return after === '(' || after === '[' || IMPORT_LINE.test(text.slice(text.lastIndexOf('\n', at - 1) + 1, at));
}
const IMPORT_LINE = /^\s*(?:>>>\s*|\.\.\.\s*)?(?:from\s+[\w.]+\s+import\s|import\s+(?:[\w.]+\s*,|\{))/;

/**
 * A run of 40 base64 characters at `at` that is not an AWS secret key: a file name before its extension
 * (`./IoK8sApiAppsV1ControllerRevision.js`), part of a URL's path (`https://docs.google.com/document/d/1aGW…`),
 * or a name made of words (`Speech2TextSinusoidalPositionalEmbedding`: 6.7 letters a word; random base64 of
 * 40 has 4.5 or more in none of a million draws, 3 in 0.15 %).
 */
export function notAnAwsKey(run: string, text: string, at: number): boolean {
  const end = at + run.length;
  if (text[end] === '.' && FILE_EXTENSION.test(text.slice(end, end + 6))) return true;
  if (run.includes('/') && URL_BEFORE.test(text.slice(Math.max(0, at - 256), at))) return true;
  return lettersPerWord(run) >= 4.5;
}
const FILE_EXTENSION = /^\.(?:[cm]?[jt]sx?|json|py|md|html?|css|ya?ml|txt|go|rs|java|rb|php|map)\b/;
const URL_BEFORE = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>/]*$/;
