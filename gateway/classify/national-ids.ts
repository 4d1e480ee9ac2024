// National ids of the countries a European or global company meets, beyond the SSN, NINO and Aadhaar
// (issue 23): one detector whose pattern is the union of their written shapes, accepted only when the
// id's own checksum (stdnum, a port of python-stdnum) passes. Ids that are just N digits under a mod-11
// or Luhn check (BSN, SIN, PESEL, a plain Steuer-IdNr, CPF, CPR) match only after their label: a number
// of that shape passes the check about one time in ten, so alone it is any number in code or prose.
import { stdnum } from 'stdnum';

/** Separator between groups: none, or one of space, dot, dash, slash (issue 23, #5). */
const S = '[ ./-]?';

/** A case-insensitive spelling, for labels in the case-sensitive combined pattern. */
function ci(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c.replace(/[-.]/, '\\$&'))).join('');
}

/** Label words just before a number, then at most `no.`/`nr.`/`number` and a colon, on the same line. */
function after(labels: string[]): string {
  return String.raw`(?<=(?<![A-Za-z])(?:${labels.map(ci).join('|')})[^\w\n]{0,3}(?:(?:[Nn](?:[Oo]|[Rr]|umber|UMBER)|#)[^\w\n]{0,3})?)`;
}

interface NationalId {
  name: string;
  /** The shapes it is written in; a weak shape starts with its label's lookbehind. */
  pattern: string;
  valid: (compact: string) => boolean;
  /** Its dash (or plus) says the century of the birth date, so it stays for the check. */
  centuryMark?: boolean;
}

const ok = (v: { validate(s: string): { isValid: boolean } }) => (s: string) => v.validate(s).isValid;
const { BE, BR, CA, DE, DK, ES, FI, FR, IT, NL, PL, SE } = stdnum;

export const nationalIds: NationalId[] = [
  // Sex (1 or 2; the provisional 3, 4, 7, 8 are left out: fifteen digits from 3 or 4 are an Amex or Visa card), year, month (or 20+ when unknown), department (2A/2B: Corsica)
  // and commune (or 97x and two digits overseas), birth order, mod-97 key: strong alone.
  { name: 'frNir', pattern: String.raw`[12]${S}\d\d${S}(?:0[1-9]|1[0-2]|[2-9]\d)${S}(?:\d\d|2[AB])${S}\d${S}?\d\d${S}\d{3}${S}\d\d`, valid: ok(FR.nir) },
  // Eight digits and a mod-23 letter (`dddddddd-L`, `dd.ddd.ddd L`).
  { name: 'esDni', pattern: String.raw`\d\d\.?\d{3}\.?\d{3}[ -]?[A-HJ-NP-TV-Z]`, valid: ok(ES.dni) },
  { name: 'esNie', pattern: String.raw`[XYZ][ -]?\d{7}[ -]?[A-HJ-NP-TV-Z]`, valid: ok(ES.nie) },
  // Surname and name letters, birth date and place (digits may be swapped for letters: omocodia), check letter.
  { name: 'itCodiceFiscale', pattern: String.raw`[A-Z]{6}[\dLMNP-V]{2}[A-EHLMPR-T][\dLMNP-V]{2}[A-Z][\dLMNP-V]{3}[A-Z]`, valid: ok(IT.codicefiscale) },
  // Birth date, day counter, mod-97 check, written with its dots and dash (yy.mm.dd-nnn.cc) or grouped 6-3-2.
  { name: 'beNationalNumber', pattern: String.raw`\d\d\.\d\d\.\d\d-\d{3}\.\d\d|\d{6}[ -]\d{3}[ -.]\d\d`, valid: ok(BE.nn) },
  // The CPF as written (ddd.ddd.ddd-cc): two check digits.
  { name: 'brCpf', pattern: String.raw`\d{3}\.\d{3}\.\d{3}-\d\d`, valid: ok(BR.cpf) },
  // Date, a dash (a plus past 100 years), three digits, a mod-31 check character.
  { name: 'fiHetu', pattern: String.raw`(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d\d[-+ABCDEFUVWXY]\d{3}[0-9A-FHJ-NPR-Y]`, valid: ok(FI.hetu), centuryMark: true },
  // Date (century optional), dash or plus, Luhn over the last ten digits.
  { name: 'sePersonnummer', pattern: String.raw`(?:19|20)?\d\d(?:0[1-9]|1[0-2])(?:[06][1-9]|[1278]\d|[39][01])[-+]\d{4}`, valid: ok(SE.personnummer), centuryMark: true },
  // The Steuer-IdNr grouped as printed, by spaces (2-3-3-3; with dots it is an IPv4 address); a plain run of
  // eleven digits needs its label.
  { name: 'deSteuerIdNr', pattern: String.raw`[1-9]\d \d{3} \d{3} \d{3}|${after(['steuer-id', 'steuerid', 'steuer-idnr', 'steuer-identifikationsnummer', 'steuerliche identifikationsnummer', 'identifikationsnummer', 'idnr', 'tin'])}[1-9]\d{10}`, valid: ok(DE.idnr) },
  { name: 'plPesel', pattern: String.raw`${after(['pesel'])}\d{11}`, valid: ok(PL.pesel) },
  { name: 'nlBsn', pattern: String.raw`${after(['bsn', 'burgerservicenummer', 'sofinummer', 'sofi-nummer'])}(?:\d{9}|\d{4}\.\d\d\.\d{3}|\d{3}[ .-]\d{3}[ .-]\d{3})`, valid: ok(NL.bsn) },
  { name: 'caSin', pattern: String.raw`${after(['sin', 'social insurance', 'nas', "numéro d'assurance sociale"])}\d{3}${S}\d{3}${S}\d{3}`, valid: ok(CA.sin) },
  { name: 'brCpfPlain', pattern: String.raw`${after(['cpf'])}\d{11}`, valid: ok(BR.cpf) },
  // A CPR has had no check digit since 2007: only its date is checked, so it counts only after its label.
  { name: 'dkCpr', pattern: String.raw`${after(['cpr', 'cpr-nr', 'cpr-nummer', 'personnummer'])}\d{6}-?\d{4}`, valid: ok(DK.cpr) },
];

// Longer than the longest label with its `number:` and the token boundary before it.
const LABEL_REACH = 64;
const wholeShape = nationalIds.map((id) => new RegExp(`(?:${id.pattern})$`, 'y'));

/** The id a match is (the first whose shape matches where it starts and whose checksum passes), or undefined. */
export function whichNationalId(match: string, text: string, start: number): string | undefined {
  const compact = match.replace(/[ ./]/g, '').toUpperCase();
  for (let i = 0; i < nationalIds.length; i++) {
    const shape = wholeShape[i];
    // The labels are lookbehinds: the shape is tried in a window of the text that shows what comes before.
    const from = Math.max(0, start - LABEL_REACH);
    shape.lastIndex = start - from;
    const m = shape.exec(text.slice(from, start + match.length));
    if (m !== null && nationalIds[i].valid(nationalIds[i].centuryMark ? compact : compact.replace(/-/g, ''))) return nationalIds[i].name;
  }
  return undefined;
}

/**
 * Every shape, with the boundaries of a token: not glued to a word, a dash or a number's dot or slash.
 * The lookahead first: every id is nine characters or more, and most numbers in code are short, so most
 * tries end there instead of in each of the shapes.
 */
export const NATIONAL_ID_PATTERN = String.raw`(?=[\dA-Z][\dA-Z ./+-]{8})(?<![\w./-])(?:${nationalIds.map((id) => id.pattern).join('|')})(?![\w-]|[./]\d)`;
