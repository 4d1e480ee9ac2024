// The detector table: one named pattern per kind of finding. Order matters: specific formats come before
// the generic ones they overlap. What findings() (classify.ts) returns is defined by the single alternation
// of all of them (`combined`): it tries the patterns only at candidate starts, with the same result.
import { NATIONAL_ID_PATTERN, whichNationalId } from './national-ids.js';
import { atLeastOfEachCase, codeReference, digitsOf, notAnAwsKey, entropy, lettersPerWord, looksLikeSecretValue, looksLikeToken, passesLuhn, passesVerhoeff } from './checks.js';

/** A case-insensitive spelling of a word, for one detector in the case-sensitive combined pattern. */
function ci(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c.replace(/[-.]/, '\\$&'))).join('');
}

/**
 * Start of a token: not glued to a letter or digit before it (`key_AKIA…` still counts), except the letter
 * of an escape written as text: a key after a line break inside JSON held in a string (tool call
 * arguments, `"```\nsk-…"`) follows a backslash and `n`.
 */
const B = String.raw`(?<![A-Za-z0-9](?<!\\[ntr]))`;

export const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** A digit spelt out in English, any case (`oh` for zero, as card numbers are read aloud). */
export const DIGIT_WORD = `(?:${[...DIGIT_NAMES, 'oh'].map(ci).join('|')})`;

export interface Detector {
  /** Named group in the combined pattern; in UPPER_SNAKE_CASE, the label of a masking placeholder. */
  name: string;
  dataClass: string;
  pattern: string;
  /**
   * Rejects a match that has the shape but not the substance (checksum, entropy, digit count) or whose
   * context says what else it is (`text` is the whole text read, `start` where the match begins in it).
   */
  accept?: (match: string, text: string, start: number) => boolean;
}

export const detectors: Detector[] = [
  {
    name: 'privateKey',
    dataClass: 'secret.private_key',
    // Armour in any case, with any run of dashes and any whitespace (NBSP included) between the words.
    // A run of dashes is entered only at its first dash (the lookbehinds): entered at every dash, a long
    // run of dashes is read to its end from each one, quadratic in its length.
    pattern: String.raw`(?<!-)-{2,}\s*${ci('BEGIN')}\s+(?:[A-Za-z0-9]+\s+)*${ci('PRIVATE')}\s+${ci('KEY')}(?:\s+${ci('BLOCK')})?\s*-{2,}[\s\S]*?(?:(?<!-)-{2,}\s*${ci('END')}\s+(?:[A-Za-z0-9]+\s+)*${ci('PRIVATE')}\s+${ci('KEY')}(?:\s+${ci('BLOCK')})?\s*-{2,}|$)`,
  },
  {
    name: 'puttyKey',
    dataClass: 'secret.private_key',
    pattern: String.raw`${ci('PuTTY-User-Key-File-')}\d+\s*:[\s\S]*?(?:${ci('Private-')}(?:${ci('MAC')}|${ci('Hash')})\s*:\s*[0-9A-Fa-f]+|$)`,
  },
  { name: 'anthropicKey', dataClass: 'secret.api_key', pattern: String.raw`${B}sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}` },
  { name: 'openaiKey', dataClass: 'secret.api_key', pattern: String.raw`${B}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}` },
  { name: 'awsAccessKey', dataClass: 'secret.api_key', pattern: String.raw`(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[0-9A-Z]{16}(?![A-Z0-9])` },
  { name: 'githubToken', dataClass: 'secret.api_key', pattern: String.raw`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})` },
  { name: 'gitlabToken', dataClass: 'secret.api_key', pattern: String.raw`${B}gl(?:pat|dt|ptt|rt)-[A-Za-z0-9_-]{20,}` },
  { name: 'stripeKey', dataClass: 'secret.api_key', pattern: String.raw`${B}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}` },
  { name: 'huggingfaceToken', dataClass: 'secret.api_key', pattern: String.raw`${B}hf_[A-Za-z0-9]{30,}` },
  { name: 'npmToken', dataClass: 'secret.api_key', pattern: String.raw`${B}npm_[A-Za-z0-9]{36}` },
  { name: 'sendgridKey', dataClass: 'secret.api_key', pattern: String.raw`${B}SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}` },
  { name: 'googleKey', dataClass: 'secret.api_key', pattern: String.raw`${B}AIza[0-9A-Za-z_-]{35}` },
  // A placeholder (`xoxb-your-token`, `xoxb-XXXX-…`) is not a token: Slack's carry numeric team and user ids,
  // which gitleaks' Slack rules require too.
  { name: 'slackToken', dataClass: 'secret.token', pattern: String.raw`${B}xox[abposr]-[A-Za-z0-9-]{10,}`, accept: (m) => /[0-9]/.test(m.slice(5)) },
  { name: 'slackWebhook', dataClass: 'secret.token', pattern: String.raw`https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+` },
  // The header and claims are base64url of JSON: `{"` is eyJ, `{ "` eyAi, `{` then a line break or tab ew….
  { name: 'jwt', dataClass: 'secret.token', pattern: String.raw`${B}e(?:y[JA]|w[o0k])[A-Za-z0-9_-]{8,}\.e(?:y[JA]|w[o0k])[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}` },
  {
    name: 'azureStorageKey',
    dataClass: 'secret.api_key',
    // As pasted from the portal: a storage connection string's AccountKey (88 base64 characters), or a
    // Service Bus / Event Hubs SharedAccessKey (44).
    pattern: String.raw`(?:${ci('AccountKey')}|${ci('SharedAccessKey')})\s*=\s*(?:[A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=)`,
  },
  {
    name: 'credentialFragment',
    dataClass: 'secret.fragment',
    // A known credential prefix whose body is too short (or too long) to be the whole key: a piece of one,
    // pasted alone or cut off to slip past the full pattern (issue 23). Tried only where the full detectors
    // above did not match at the same place. Armour opened on a header word and never closed counts too; a
    // complete header (`-----BEGIN CERTIFICATE-----`) does not, nor the bare `'-----BEGIN'` code searches for.
    pattern: String.raw`${B}(?:(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[0-9A-Z]{4,255}|gh[pousr]_[A-Za-z0-9]{4,255}|github_pat_[A-Za-z0-9_]{4,255}|gl(?:pat|dt|ptt|rt)-[A-Za-z0-9_-]{4,255}|sk-(?:ant-(?:api|admin)\d{2}-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{4,255}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{4,255}|hf_[A-Za-z0-9]{4,255}|npm_[A-Za-z0-9]{4,255}|AIza[0-9A-Za-z_-]{4,255}|xox[abposr]-[A-Za-z0-9-]{4,255}|(?<!-)-{5}${ci('BEGIN')}[ \t]+[A-Za-z](?![A-Za-z0-9 ]*-{5}))`,
    accept: fragmentLooksRandom,
  },
  {
    name: 'awsSecretKey',
    dataClass: 'secret.api_key',
    // 40 characters of base64 standing alone, mixed case and random-looking: the shape of an AWS secret
    // access key. A git SHA (lower-case hex) or a word never has all of these. About one key in 900 has no
    // digit: then it takes many capitals and small letters (random base64 has about nineteen of each;
    // TitleCase and camelCase names, whose entropy can be as high, have a capital a word).
    pattern: String.raw`(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])`,
    accept: (m, text, at) =>
      /[A-Z]/.test(m) && /[a-z]/.test(m) && entropy(m) >= (/[0-9]/.test(m) ? 4.2 : 4.3) && (/[0-9]/.test(m) || atLeastOfEachCase(m, /[+/]/.test(m) ? 8 : 12)) && !notAnAwsKey(m, text, at),
  },
  {
    name: 'secretValue',
    dataClass: 'secret.token',
    // A high-entropy value assigned to something named like a credential (password = "…", api_key: …).
    // The value alone is the finding (a lookbehind holds the name), so a specific detector matching at the same place wins.
    // The lookahead for a value character comes first, so the lookbehind (whose \s* reads back through any
    // white space) runs only where a value can start, not at every position of a long run of spaces.
    pattern: String.raw`(?=[A-Za-z0-9/+_.~=!@#$%^&*-])(?<=(?:${ci('secret')}|${ci('token')}|${ci('passw')}(?:${ci('or')})?${ci('d')}|${ci('pwd')}|${ci('api')}[_-]?${ci('key')}|${ci('access')}[_-]?${ci('key')}|${ci('credential')}s?|${ci('auth')})[A-Za-z0-9_.-]{0,24}["']?\s*(?:[:=]|=>)\s*["']?)[A-Za-z0-9/+_.~=!@#$%^&*-]{12,}`,
    accept: (m, text, at) => looksLikeSecretValue(m) && !codeReference(m, text, at),
  },
  {
    name: 'bearer',
    dataClass: 'secret.token',
    pattern: String.raw`\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{20,}`,
    accept: (m) => looksLikeToken(m.replace(/^[Bb]earer\s+/, '')),
  },
  // The local part starts where a run of its characters starts (not at every \b inside a run such as
  // a.b.c.d…, which read the rest of the run from each one: quadratic).
  // Not an address: a git remote, `git@host` or `user@host:path` (SSH's form; a colon then a path character). The domain
  // is read whole (never cut before a `.label`), so a remote is not read as an address on part of its host.
  { name: 'email', dataClass: 'pii.email', pattern: String.raw`(?<![A-Za-z0-9._%+-])(?!git@)[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b(?!\.[A-Za-z0-9]|:[\w~./-])` },
  {
    name: 'emailDisguised',
    dataClass: 'pii.email',
    // An address written so a plain pattern misses it: `[at]`/`(at)`/`{at}` and `[dot]`, or spaces around
    // the `@` and dots (issue 23, #5); the disguise is part of the pattern, so a plain address (or a key
    // glued to one) is never swallowed by a match this detector then rejects. Spaces alone are
    // `a @ b.weights` in Python too, so that form needs a common top-level domain.
    pattern: String.raw`(?<![A-Za-z0-9._%+-])(?!git *@)[A-Za-z0-9._%+-]+(?: +@ *|@ +| *[\[({] *${ci('at')} *[\])}] *)[A-Za-z0-9-]+(?: *(?:\.|[\[({] *${ci('dot')} *[\])}]) *[A-Za-z0-9-]+){0,5} *(?:\.|[\[({] *${ci('dot')} *[\])}]) *[A-Za-z]{2,}\b`,
    accept: (m) => {
      const labels = m.split(/ *(?:\.|[[({] *dot *[\])}]) */i);
      const tld = labels[labels.length - 1].toLowerCase();
      if (!/^[a-z]{2,}$/.test(tld)) return false;
      return /[[({]/.test(m) || COMMON_TLDS.has(tld);
    },
  },
  {
    name: 'nationalId',
    dataClass: 'pii.national_id',
    // Before cards: a French NIR is fifteen digits, a card's length (national-ids.ts).
    pattern: NATIONAL_ID_PATTERN,
    accept: (m, text, start) => whichNationalId(m, text, start) !== undefined && !inDigest(text, start, start + m.length),
  },
  {
    name: 'cardNumber',
    dataClass: 'pii.card',
    // Any of space, dash, dot or slash between digits, up to three of them (issue 23, #5); digits of other
    // scripts are already ASCII in the secret form (gateway/text/normalise.ts).
    pattern: String.raw`(?<!\d|\d[./-])\d(?:[ ./-]{0,3}\d){12,18}(?!\d|[./-]\d)`,
    accept: (m, text, start) => passesLuhn(digitsOf(m)) && cardGrouping(m) && !/^(\d)\1*$/.test(digitsOf(m)) && issuedAsCard(digitsOf(m)) && !inDigest(text, start, start + m.length) && !labelledOtherwise(text, start, CARD_WORDS),
  },
  {
    name: 'cardNumberWords',
    dataClass: 'pii.card',
    // A card number spelt out in English words ("four one one one …"), one word a digit; Luhn checked.
    pattern: String.raw`(?<![A-Za-z])${DIGIT_WORD}(?:[\s,.-]{1,3}${DIGIT_WORD}){12,18}(?![A-Za-z])`,
    accept: (m) => passesLuhn(wordsToDigits(m)) && issuedAsCard(wordsToDigits(m)),
  },
  {
    name: 'usSsn',
    dataClass: 'pii.national_id',
    // Groups of 3, 2 and 4 with one separator written twice (dash, space, dot or slash), so `123-45 6789`
    // and dates or version strings of other shapes are not ids.
    pattern: String.raw`(?<![\w./-])(?!000|666|9\d\d)\d{3}[ ./-](?!00)\d{2}[ ./-](?!0000)\d{4}(?![\w-]|[./]\d)`,
    accept: (m) => m[3] === m[6],
  },
  {
    name: 'ukNino',
    dataClass: 'pii.national_id',
    pattern: String.raw`\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`,
  },
  {
    name: 'aadhaar',
    dataClass: 'pii.national_id',
    pattern: String.raw`(?<![\w-])[2-9]\d{3}[ -]\d{4}[ -]\d{4}(?![\w-])`,
    accept: (m) => passesVerhoeff(digitsOf(m)),
  },
  {
    name: 'phone',
    dataClass: 'pii.phone',
    pattern: String.raw`(?<![\w.+/-])(?:\+\d{7,14}|(?:\+\d{1,3}[ ./-]?)?(?:\(\d{1,4}\)[ ./-]?)?\d{2,4}[ ./-]\d{3,4}(?:[ ./-]?\d{3,4})?)(?![\w./-]*\w)`,
    accept: (m, text, start) => {
      const n = digitsOf(m).length;
      // Two of dot, dash and slash in one number are a clause or part number (DFARS 252.227-7013) or a
      // date, not a phone's groups; a slash, a dash or a dot alone is (030/1234567, 555-123-4567).
      const kinds = Number(m.includes('.')) + Number(m.includes('-')) + Number(m.includes('/'));
      return n >= 9 && n <= 15 && kinds <= 1 && !labelledOtherwise(text, start, PHONE_WORDS);
    },
  },
];

// Keys pasted onto the word before them (`tokensk-proj-…`, `mykeyhf_…`, `9AKIA…`). The prefixed formats'
// patterns need a boundary before the prefix, which keeps `task-management-system-overview` and
// `disk-usage-…` from reading as keys; without it, a key glued to a word went out unseen. Tried by
// findings() only where a prefix stands glued, outside every finding, and kept only where the match looks
// drawn at random, not made of words (lettersPerWord: random text has about two letters a word).
const GLUED_NAMES = ['anthropicKey', 'openaiKey', 'awsAccessKey', 'githubToken', 'gitlabToken', 'stripeKey', 'huggingfaceToken', 'npmToken', 'sendgridKey', 'googleKey', 'slackToken', 'jwt'];
const AWS_BOUNDARY = '(?<![A-Z0-9])';
// Glued at both ends, an AWS key id is read without its closing boundary too (its sixteen, then more).
const AWS_END = '(?![A-Z0-9])';
export const gluedDetectors: number[] = GLUED_NAMES.map((name) => detectors.findIndex((d) => d.name === name));
/** The glued detectors' patterns without their boundary, in the same order. */
export const gluedPatterns: string[] = gluedDetectors.map((i) => {
  const { name, pattern } = detectors[i];
  const boundary = [B, AWS_BOUNDARY].find((b) => pattern.startsWith(b));
  if (boundary === undefined) throw new Error(`${name}: no boundary to leave out for a glued key`);
  const open = pattern.slice(boundary.length);
  return boundary === AWS_BOUNDARY && open.endsWith(AWS_END) ? open.slice(0, -AWS_END.length) : open;
});
/** The same, one group each, tried sticky at a glued prefix. */
export const gluedAnchored = new RegExp(gluedPatterns.map((p) => `(${p})`).join('|'), 'y');
/**
 * A glued match is a key where it looks random. Capitals and digits only (AWS's format): where sixteen
 * stand after the prefix and no more, always (no word is written so); where more follow, with a digit. Else
 * both cases (the other formats are base62 or base64url: a lower-case id, a hex digest or a UUID after
 * `task-` is not one of their keys; one random key in 50,000 has no capital) and not words run together
 * (`desk-TopPanelSettingsView`: 4.5 letters a word or more, which one random key in a thousand reaches).
 */
export function gluedLooksRandom(m: string, next: string): boolean {
  if (!/[a-z]/.test(m)) return !/[A-Z0-9]/.test(next) || /[0-9]/.test(m);
  return /[A-Z]/.test(m) && lettersPerWord(m) < 4.5;
}

/** All detectors as one global regex; group `d<i>` holds a match of detectors[i]. The definition of findings(), and its test oracle; not run on request bodies. */
export const combined = new RegExp(detectors.map((d, i) => `(?<d${i}>${d.pattern})`).join('|'), 'g');

// The fixed part of each fragment alternative, to read its body alone.
const FRAGMENT_PREFIX = /^(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9]|gh[pousr]_|github_pat_|gl(?:pat|dt|ptt|rt)-|sk-(?:ant-(?:api|admin)\d{2}-|proj-|svcacct-|admin-)?|(?:sk|rk)_(?:live|test)_|hf_|npm_|AIza|xox[abposr]-)/;

/**
 * A fragment's body looks drawn at random: it has a digit, or both capitals and small letters, so that
 * words after a prefix (`sk-learn`, `hf_hub_download`, `npm_config`, `ASIAN`, `ghp_XXXX`) are not
 * fragments. AKIA bodies are base32 capitals, with no digit about one time in two: any body counts there.
 */
function fragmentLooksRandom(m: string): boolean {
  const prefix = FRAGMENT_PREFIX.exec(m);
  if (prefix === null) return true; // unclosed armour
  if (prefix[0] === 'AKIA') return true;
  const body = m.slice(prefix[0].length);
  return /[0-9]/.test(body) || (/[A-Z]/.test(body) && /[a-z]/.test(body));
}

/**
 * A payment card's first digit is its major industry identifier (ISO/IEC 7812): 1 to 6 for the airline,
 * travel and banking cards people carry (Visa 4, Mastercard 2 and 5, Amex 3, Discover and UnionPay 6).
 * An ISBN-13 (978…, 979…) or a product code starting 0, 7, 8 or 9 is not one, even when it passes Luhn.
 */
function issuedAsCard(digits: string): boolean {
  return digits[0] >= '1' && digits[0] <= '6';
}

const isHexDigit = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
/** Whether [start, end) lies in a run of 32 or more hex digits: a digest (`sha256:…`, a commit id), not a number. */
function inDigest(text: string, start: number, end: number): boolean {
  let s = start;
  while (s > 0 && end - s < 256 && isHexDigit(text.charCodeAt(s - 1))) s--;
  let e = end;
  while (e < text.length && e - s < 256 && isHexDigit(text.charCodeAt(e))) e++;
  return e - s >= 32 && (s < start || e > end);
}

// What a number in legal and technical prose is labelled as when it is not personal data: a company
// identifier (EIN, DUNS, UEI, CAGE), a part, product or book number (P/N, NSN, SKU, EAN, UPC, ISBN), an
// accounting or filing reference (account code, cost centre, invoice, order, contract, case, docket), a
// version or a section. `No.`, `number`, `#` and `ID` say only that a number follows: they count when
// the words before them do not name the class itself (`phone no.`, `card number`).
const IDENTIFIER_LABEL = /^(?:p\/?n|part|nsn|ein|tin|fein|duns|uei|cage|code|cent(?:re|er)|acct|account|invoice|inv|order|po|contract|case|docket|lot|batch|serial|s\/n|sku|isbn(?:-1[03])?|issn|ean(?:-13)?|upc|gtin|barcode|ticket|matter|ref|reference|claim|version|ver|release|build|section|sec|clause|article|art|form|model|patent|isin|cusip|tracking|catalogue|catalog|cat|item|document|doc|hts|eccn|rfc|iso|sp|§)$/i;
const NUMBER_LABEL = /^(?:no|nos|num|number|nr|#|id)$/i;
const PHONE_WORDS = /\b(?:tel|telephone|phone|fax|mobile|mob|cell|call|contact|whatsapp|sms)\b/i;
const CARD_WORDS = /\b(?:card|visa|mastercard|amex|discover|credit|debit|cc|pan|payment|pay)\b/i;

/**
 * Whether the words just before a number (on its line, up to three) label it as something other than the
 * class the detector reads: an identifier label, or `No.`/`#` without a word of that class before it.
 */
function labelledOtherwise(text: string, start: number, classWords: RegExp): boolean {
  let from = Math.max(0, start - 40);
  // Only the window is searched for a line break: a search back through the whole text at every number is quadratic.
  let line = start - 1;
  while (line >= from && text.charCodeAt(line) !== 10) line--;
  if (line >= from) from = line + 1;
  // Not from the middle of a word (`paragraph` cut to `ph`).
  else while (from > 0 && from < start && /\w/.test(text[from - 1])) from++;
  const before = text.slice(from, start);
  const words = before.split(/[\s:()[\],;]+/).filter((w) => w !== '').slice(-3).map((w) => w.replace(/\.$/, ''));
  if (words.some((w) => IDENTIFIER_LABEL.test(w))) return !classWords.test(before);
  return words.length > 0 && NUMBER_LABEL.test(words[words.length - 1]) && !classWords.test(before);
}

function wordsToDigits(m: string): string {
  return m
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w !== '')
    .map((w) => (w === 'oh' ? '0' : String(DIGIT_NAMES.indexOf(w))))
    .join('');
}

/**
 * A card's digits as people group them: one separator kind throughout, and either every digit apart or
 * groups of three to six (4-4-4-4, 4-6-5, 4-4-4-4-3); a run of digits broken at random places (a version
 * string, a list of numbers) is not a card.
 */
function cardGrouping(m: string): boolean {
  const separators = new Set(m.replace(/\d/g, '').replace(/(.)\1+/g, '$1'));
  if (separators.size > 1) return false;
  if (separators.size === 0) return true;
  const groups = m.split(/[^\d]+/).map((g) => g.length);
  return groups.every((g) => g === 1) || groups.every((g) => g >= 3 && g <= 6);
}

const COMMON_TLDS = new Set(['com', 'org', 'net', 'edu', 'gov', 'mil', 'int', 'io', 'co', 'uk', 'us', 'de', 'fr', 'es', 'it', 'nl', 'be', 'ch', 'at', 'se', 'no', 'dk', 'fi', 'ie', 'pl', 'pt', 'ca', 'au', 'nz', 'jp', 'cn', 'in', 'br', 'mx', 'ru', 'info', 'biz', 'me', 'dev', 'app', 'ai']);
