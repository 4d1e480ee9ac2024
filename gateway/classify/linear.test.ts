// Every detector is linear in its input: on the worst input found for each (repeated prefixes, long runs
// of base64, hex, digits, dashes, white space and separators), four times the text costs about four
// times the CPU, not sixteen. Medians of several runs, with generous slack for a shared machine.
import t from 'tap';
import { detectors } from './detectors.js';
import { presetRules } from './preset-rules.js';
import { gitleaksMatches } from './gitleaks-rules.js';
import { scanBody } from './body.js';
import { DecodeBudget, encodedRuns } from '../text/encoded-runs.js';

// Every unit over every adversarial input at three sizes, five runs each: about two minutes alone on two
// cores, more beside the other suites (114 s in CI, near tap's default of 120).
t.setTimeout(360_000);

const adversarial: Record<string, (n: number) => string> = {
  'armour without an end': (n) => '-----BEGIN PRIVATE KEY-----\n'.repeat(Math.ceil(n / 28)),
  'a run of dashes': (n) => '-'.repeat(n),
  'PuTTY headers': (n) => 'PuTTY-User-Key-File-2: '.repeat(Math.ceil(n / 23)),
  'dotted words': (n) => 'a.'.repeat(n / 2),
  'hyphenated words': (n) => 'a-'.repeat(n / 2),
  digits: (n) => '1'.repeat(n),
  'digit groups': (n) => '12-'.repeat(Math.ceil(n / 3)),
  'spaced digits': (n) => '1 '.repeat(n / 2),
  'digits between slashes and dots': (n) => '1/. '.repeat(n / 4),
  'digit words': (n) => 'one two, '.repeat(Math.ceil(n / 9)),
  base64: (n) => 'Ab1+'.repeat(n / 4),
  'wrapped base64 lines': (n) => 'AAAAAAAAAAAAAAAAAAAA '.repeat(Math.ceil(n / 21)),
  hex: (n) => 'a1'.repeat(n / 2),
  'percent escapes': (n) => 'a%41'.repeat(n / 4),
  'a keyword repeated': (n) => 'token'.repeat(n / 5),
  'assignments repeated': (n) => 'password='.repeat(Math.ceil(n / 9)),
  'white space': (n) => ' '.repeat(n),
  'key prefixes': (n) => 'sk-'.repeat(Math.ceil(n / 3)),
  'phone prefixes': (n) => '+1 '.repeat(Math.ceil(n / 3)),
  'spaced-out groups': (n) => 'AB '.repeat(Math.ceil(n / 3)),
  'a spaced-out key prefix repeated': (n) => 'A K I A '.repeat(Math.ceil(n / 8)),
  // Glued to itself: each prefix glued to the one before measured the run of capitals to its end.
  'a key prefix glued to itself': (n) => 'AKIA'.repeat(n / 4),
  'spaced-out prefixes between quotes': (n) => '"A-K-I-A" '.repeat(Math.ceil(n / 10)),
  'bearer words': (n) => 'Bearer '.repeat(Math.ceil(n / 7)),
  'URL credentials': (n) => 'https://a:'.repeat(n / 10),
  'database URLs without a host': (n) => 'postgres://a:b@'.repeat(Math.ceil(n / 15)),
  'at signs': (n) => 'a@'.repeat(n / 2),
  // Keywords of gitleaks' rules, each of which makes its rules run over the whole text.
  'curl commands': (n) => 'curl -X '.repeat(Math.ceil(n / 8)),
  'key assignments': (n) => 'key='.repeat(n / 4),
  'auth words': (n) => 'auth.'.repeat(Math.ceil(n / 5)),
  'GitLab prefixes': (n) => 'glpat-_'.repeat(Math.ceil(n / 7)),
  'Terraform token parts': (n) => 'atlasv1\n'.repeat(Math.ceil(n / 8)),
  // Signs of issue 23's disguises, each of which makes its decoder run over the whole text.
  'HTML entities': (n) => '&#65;'.repeat(Math.ceil(n / 5)),
  '\\x escapes as text': (n) => '\\x41'.repeat(n / 4),
  'octal escapes as text': (n) => '\\101'.repeat(n / 4),
  'a ROT13 prefix repeated': (n) => 'NXVN '.repeat(Math.ceil(n / 5)),
  'a reversed prefix repeated': (n) => '_phg '.repeat(Math.ceil(n / 5)),
  'base32 capitals': (n) => 'ABCDEFGH234567'.repeat(Math.ceil(n / 14)),
  'named entities': (n) => 'a&lowbar;'.repeat(Math.ceil(n / 9)),
  'a spelt prefix with an underscore repeated': (n) => 'g h p _ '.repeat(Math.ceil(n / 8)),
  // The spread-out prefix search skips the separators after each first character of a prefix (spelt-keys.ts).
  'first characters before long runs of separators': (n) => `s${' '.repeat(63)}`.repeat(Math.ceil(n / 64)),
  'leads between separators': (n) => '_ - '.repeat(Math.ceil(n / 4)),
  // Each phone- or card-shaped number has its context read: only the words just before it, never back to the start.
  'phone numbers on one line': (n) => 'call 555-123-4567 '.repeat(Math.ceil(n / 18)),
  'labelled card-shaped numbers': (n) => 'EAN 4111111111111111 '.repeat(Math.ceil(n / 21)),
  // Strings built as code builds them (built-strings.ts): chains of literals, long runs of space between
  // them, quotes never closed, character codes, tags.
  'literals joined by plus': (n) => '"sk-pr" + '.repeat(Math.ceil(n / 10)),
  'literals with long runs of space between': (n) => `'a'${' '.repeat(250)}`.repeat(Math.ceil(n / 254)),
  'quotes never closed': (n) => '"abc '.repeat(Math.ceil(n / 5)),
  'escaped literals inside JSON text': (n) => String.raw`"sk-pr" + `.repeat(Math.ceil(n / 12)),
  'escaped quotes never closed': (n) => String.raw`"a\b `.repeat(Math.ceil(n / 8)),
  'character codes': (n) => '115, '.repeat(Math.ceil(n / 5)),
  'tags between characters': (n) => '<b>s</b>'.repeat(Math.ceil(n / 8)),
  'tags never closed': (n) => '<b x'.repeat(Math.ceil(n / 4)),
  // A shifted prefix's shape (shifted-keys.ts): separators before long bodies, runs of twenty capitals.
  'shifted prefixes before long bodies': (n) => 'jks_aB3dE5gH7jK9mN1pQ3 '.repeat(Math.ceil(n / 23)),
  'separators before long bodies': (n) => '_aaaaaaaaaaaaaaaa-'.repeat(Math.ceil(n / 18)),
  'a long run of capitals': (n) => 'A'.repeat(n),
  'ROT47 and Atbash prefixes repeated': (n) => 'D<\\ hp- ZPRZ '.repeat(Math.ceil(n / 14)),
  // A ciphered prefix read loosely (ciphered-keys.ts): spelt-out prefixes before spelt-out bodies, long runs
  // of separators and anchors, percent escapes, capitals spaced out.
  'spelt-out shifted prefixes and bodies': (n) => 'j * k * s * _ * a * B * 3 * '.repeat(Math.ceil(n / 28)),
  'anchors inside one long spelt-out run': (n) => '_ a - B _ 3 - '.repeat(Math.ceil(n / 14)),
  'percent escapes of letters outside ASCII': (n) => '%D0%90%G0%'.repeat(Math.ceil(n / 10)),
  'capitals spaced out': (n) => 'A K I A '.repeat(Math.ceil(n / 8)),
  'ROT47 anchors before spaced bodies': (n) => '970 a B 3 \\ '.repeat(Math.ceil(n / 12)),
  // Prefixes typed one key to the side before printable bodies (text-decoders.ts), and spelt with separators varying in kind.
  'prefixes typed to the side repeated': (n) => 'SLOS7F854NDTTC3U3NDS AJUA`; fgo)aZKnq18XC '.repeat(Math.ceil(n / 42)),
  'prefixes typed to the side, reversed, after bodies': (n) => 'DN3U3CTTDN458F7 SOLS aZKnq18XCaZKnq18 +[jh '.repeat(Math.ceil(n / 43)),
  'typed prefixes written twice': (n) => 'SSLLOOSS77FF8855NNDDTT '.repeat(Math.ceil(n / 23)),
  'a prefix spelt with varying separators': (n) => 'A~K/I:A+R=2^C#Y&2@B$7!E?O\\F '.repeat(Math.ceil(n / 28)),
  // Invisible characters among spelt separators and named references, each read again in a stretch around it;
  // prefixes typed to the side and ciphered (each composition's sign), before printable bodies.
  'a prefix spelt with invisible separators': (n) => 'A\u200bK / I\u00adA~R\u2060 '.repeat(Math.ceil(n / 16)),
  'named references far apart': (n) => `&lt;${'x'.repeat(600)}`.repeat(Math.ceil(n / 604)),
  // A key read aloud (phonetic-keys.ts): one endless run of the spelling alphabet's words, and `x ray` over and over.
  'spelling alphabet words in one run': (n) => 'alpha bravo one two capital kilo dash '.repeat(Math.ceil(n / 38)),
  'x ray repeated': (n) => 'x ray x-ray '.repeat(Math.ceil(n / 12)),
  'letters spelt by words of their own': (n) => 'A as in apple, K for king, '.repeat(Math.ceil(n / 27)),
  'for loops': (n) => 'for (a of b) '.repeat(Math.ceil(n / 13)),
  'typed and ciphered prefixes repeated': (n) => 'FYBF7S854AQGGP3H3 [xc["!u!|w|%+!^rub uw[+ZKnq18XC '.repeat(Math.ceil(n / 49)),
  // URLs ciphered (their scheme a sign) holding percent escapes, read deciphered and decoded.
  'percent escapes written as \\u escapes and as references': (n) => '\\u0025\\u0034\\u0031&#37;41&#37;D0 '.repeat(Math.ceil(n / 33)),
  // Prefixes standing apart before short words and long runs (prefix-apart.ts).
  'prefixes standing apart before words and runs': (n) => 'ghp_ then and the sk- xAb3dE5fG7 AKIA hf_ - '.repeat(Math.ceil(n / 45)),
  'ciphered URL schemes before percent escapes': (n) => 'uggcf://k?gbxra=%Q0%90%20 sggkh://%W0%Y0 9EEADi^^TraTps 2=v&%41%42//:sptth '.repeat(Math.ceil(n / 72)),
};

function cpuMs(f: () => unknown): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** Cost at 64 KB over cost at 16 KB (and 256 KB over 64 KB); linear is about 4, quadratic about 16. */
function growth(run: (s: string) => unknown, make: (n: number) => string): { ratio: number; ms: number } {
  const at = (n: number) => {
    const s = make(n);
    // The fastest of five runs: the cost the input itself implies. A slow run is a busy machine or a garbage
    // collection of earlier garbage (up to ×4 between two runs of one size under load), not the input's growth.
    return Math.min(...[0, 1, 2, 3, 4].map(() => cpuMs(() => run(s))));
  };
  at(4096);
  const small = Math.max(at(16_384), 1);
  const large = at(65_536);
  const huge = at(262_144);
  return { ratio: Math.max(large / small, huge / Math.max(large, 1)), ms: huge };
}

const units: Array<[string, (s: string) => unknown]> = [
  ...detectors.map((d) => [`detector ${d.name}`, (s: string) => [...s.matchAll(new RegExp(d.pattern, 'g'))]] as [string, (s: string) => unknown]),
  ...presetRules.map((r) => [`preset rule ${r.kind}`, (s: string) => [...s.matchAll(r.pattern)]] as [string, (s: string) => unknown]),
  ['gitleaks rules', (s: string) => gitleaksMatches(s)],
  ['encoded runs', (s: string) => encodedRuns(s, new DecodeBudget(8 << 20))],
  ['the whole scan', (s: string) => scanBody({ content: s }, { decodedBytes: 8 << 20 })],
];

for (const [unit, run] of units) {
  t.test(`${unit} is linear on adversarial input`, async (t) => {
    for (const [name, make] of Object.entries(adversarial)) {
      let { ratio, ms } = growth(run, make);
      // A quadratic grows ×16 on every try; a ratio over the bound once is measured again (a collection of
      // the earlier units' garbage falls in one size's runs now and then: ×10.7 once in CI).
      if (ratio >= 9 && ms >= 5) ({ ratio, ms } = growth(run, make));
      // 4 is linear; 16 quadratic. Under ~5 ms the timer's granularity dominates: only gross growth counts.
      t.ok(ratio < 9 || ms < 5, `${name}: ×${ratio.toFixed(1)} from 4× the text (${ms.toFixed(1)} ms at 256 KB)`);
    }
  });
}

t.test('no stack overflow on megabytes of short groups, empty strings or numbers', async (t) => {
  const groups = scanBody({ prompt: '4111 1111 1111 1111 555-123-4567 '.repeat(130_000) }, { decodedBytes: 8 << 20 });
  t.ok(groups.findings.length > 0, 'a 4 MB prompt of numbers is classified');
  t.same(scanBody({ messages: Array.from({ length: 200_000 }, () => '') }, { decodedBytes: 1 << 20 }).findings, [], '200,000 empty strings');
  const deep: unknown[] = [];
  let at = deep;
  for (let i = 0; i < 100_000; i++) at = (at[0] = []) as unknown[];
  at.push('AKIAIOSFODNN7EXAMPLE');
  t.ok(scanBody({ deep }, { decodedBytes: 1 << 20 }).findings.some((f) => f.dataClass === 'secret.api_key'), '100,000 levels deep');
});

t.test('a key spelt out with separators inside a long run of short groups is still found', async (t) => {
  const key = 'AKIA IOSF ODNN 7EXA MPLE';
  for (const pad of [10, 300, 1000]) {
    const text = 'ab cd '.repeat(pad) + key + ' ef gh'.repeat(pad);
    t.ok(scanBody({ content: text }, { decodedBytes: 1 << 20 }).findings.some((f) => f.kind === 'awsAccessKey'), `${pad} groups either side`);
  }
});

// Turns read joined across their edges: thousands of turns, each like `turn`, cost linear in their number.
const turnsOf = (turn: string) => (n: number) => Array.from({ length: Math.ceil(n / 60) }, () => turn).join('|');
const acrossTurns: Record<string, string> = {
  'end and start with words of the spelling alphabet (spoken keys joined across turns)': 'alpha bravo charlie delta echo foxtrot golf hotel india kilo',
  'end and start with a ciphered URL scheme cut in two (read joined across turns)': 'cf://ncv?gbxra=%Q0%90%Q0%90%Q0%90 ok ugg',
  'end with a prefix standing apart (its body looked for in the next turns)': 'xAb3dE5fG7hJ9kL1mN3p and the key is ghp_ then',
};
for (const [name, turn] of Object.entries(acrossTurns)) {
  t.test(`turns that ${name} cost linear in their number`, async (t) => {
    const run = (s: string) => scanBody({ messages: s.split('|').map((content) => ({ role: 'user', content })) }, { decodedBytes: 8 << 20 });
    let { ratio, ms } = growth(run, turnsOf(turn));
    if (ratio >= 9 && ms >= 5) ({ ratio, ms } = growth(run, turnsOf(turn)));
    t.ok(ratio < 9 || ms < 5, `×${ratio.toFixed(1)} from 4× the turns (${ms.toFixed(1)} ms at 256 KB)`);
  });
}
