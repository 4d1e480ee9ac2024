// A key with its prefix written apart from its body: each format × gap, in one string and across turns; a
// fast-check property over random keys, gaps and words around; prose and code about prefixes stay clean.
import t from 'tap';
import fc from 'fast-check';
import { scanBody } from './body.js';
import { apartFindings, prefixesAtEnd } from './prefix-apart.js';
import { wordStarts } from './classify.js';
import { rngFrom } from '../mock-upstream/rng.js';

const limits = { decodedBytes: 1 << 20 };
const secretsIn = (body: unknown) => scanBody(body, limits).findings.filter((f) => f.dataClass.startsWith('secret.'));
const said = (content: string) => ({ messages: [{ role: 'user', content }] });

const keys: Array<[string, string]> = [
  ['ghp_', 'a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8'],
  ['sk-proj-', 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vAb3dE5fG7hJ9kL1m'],
  ['sk_live_', 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9v'],
  ['AKIA', 'Q2W3E4R5T6Y7U8I9'],
  ['glpat-', 'x9Kq2LmP8rT4vWz1Ab3d'],
  ['hf_', 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vXyZ12'],
  ['AIza', 'SyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW'],
];
const gaps = [' ', '\n', ' - ', ', ', ': ', ' (then) ', ' followed by ', ' and the rest: ', '. The rest: ', ' (The rest follows below, copy it carefully) ', ' and then, after a short pause, the rest of it: '];

t.test('each format with its prefix apart from its body, in a sentence', async (t) => {
  for (const [prefix, body] of keys) {
    for (const gap of gaps) t.ok(secretsIn(said(`use ${prefix}${gap}${body} please`)).length > 0, `${prefix}${JSON.stringify(gap)}`);
    // The body in two runs, or grouped: by six with spaces or dashes, by four with ` | `, apart by ` ... `.
    const half = body.length >> 1;
    t.ok(secretsIn(said(`use ${prefix} ${body.slice(0, half)} ${body.slice(half)} please`)).length > 0, `${prefix} body in two runs`);
    t.ok(secretsIn(said(`use ${prefix} ... ${body.slice(0, half)} ... ${body.slice(half)} please`)).length > 0, `${prefix} body in two runs apart by ' ... '`);
    const grouped = (n: number, sep: string) => body.match(new RegExp(`.{1,${n}}`, 'g'))!.join(sep);
    for (const [n, sep] of [[6, ' '], [6, '-'], [4, ' | ']] as const) t.ok(secretsIn(said(`use ${prefix} (step 2) ${grouped(n, sep)} please`)).length > 0, `${prefix} body grouped by ${n} with ${JSON.stringify(sep)}`);
  }
});

t.test("a body whose first groups are small letters, as one drawn at random is now and then", async (t) => {
  // Bodies the gateway property drew and let through: a first group of small letters was read as a word between.
  const bodies = ['anzyTb6me4RaZDkiR7d6KWqeoV6ebtmurM4P', 'wpirxsR26LFX6etAphrZ9Hom5VjuXRjuwy66', 'qwerzxcvTb6me4RaZDkiR7d6KWqeoV6ebtmu'];
  for (const body of bodies) {
    t.equal(body.length, 36);
    for (const [n, sep] of [[4, ' | '], [6, ' '], [4, '-']] as const) {
      const grouped = body.match(new RegExp(`.{1,${n}}`, 'g'))!.join(sep);
      for (const gap of [' — step 2 — ', ' (The rest follows below, copy it carefully) ', ' then '])
        t.ok(secretsIn(said(`uses ghp_${gap}${grouped}`)).length > 0, `ghp_${JSON.stringify(gap)}${grouped}`);
    }
  }
  // Small words before a body still cost no reading of them as a key.
  t.same(secretsIn(said('the prefix ghp_ then some small words here and nothing else')), []);
});

t.test('the finding spans the prefix and the body', async (t) => {
  const text = 'the key is ghp_ then a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8, thanks';
  const found = apartFindings(text, wordStarts(text).fixed);
  t.equal(found.length, 1);
  t.equal(text.slice(found[0].start, found[0].end), 'ghp_ then a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8');
});

t.test('the prefix at the end of one turn, its body at the start of a later one', async (t) => {
  for (const [prefix, body] of keys) {
    for (const [a, b] of [[`the key is ${prefix}`, body], [`the key is ${prefix} `, ` ${body} thanks`], [`prefix: ${prefix}`, `and the rest: ${body}`]]) {
      t.ok(secretsIn({ messages: [{ role: 'user', content: a }, { role: 'assistant', content: 'ok' }, { role: 'user', content: b }] }).length > 0, `${JSON.stringify(a)} … ${JSON.stringify(b.slice(0, 16))}`);
    }
  }
  t.same(prefixesAtEnd('tokens begin ghp_ or gho_'), [21], 'the last: one followed by another prefix has no body');
  t.same(prefixesAtEnd('the key is ghp_ and the rest'), [11]);
  t.same(prefixesAtEnd('ghp_ a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8'), [], 'a body after it: not cut from it');
});

t.test('property: a random key, its prefix apart by a random gap, among random words, is found', async () => {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // Drawn by a seeded generator, not character by character: fast-check's bias toward some values made a
  // body of mostly small letters now and then, which is no key's (gluedLooksRandom), and the property flaky.
  const drawn = (chars: string, n: number) =>
    fc.integer().map((seed) => {
      const rng = rngFrom(seed);
      return Array.from({ length: n }, () => chars[Math.floor(rng() * chars.length)]).join('');
    });
  const body = (n: number) => drawn(alnum, n - 3).map((b) => b + 'q7Z');
  const key = fc.oneof(
    body(36).map((b) => ['ghp_', b] as const),
    body(28).map((b) => ['sk_live_', b] as const),
    body(48).map((b) => ['sk-proj-', b] as const),
    body(34).map((b) => ['hf_', b] as const),
    drawn('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 13).map((b) => ['AKIA', b + 'Q7Z'] as const),
  );
  const words = fc.array(fc.constantFrom('please', 'debug', 'the', 'deploy', 'config', 'fails', 'with', 'this', 'value', '—', 'ok?'), { maxLength: 6 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(key, fc.constantFrom(...gaps), words, words, ([prefix, b], gap, before, after) => secretsIn(said(`${before} ${prefix}${gap}${b} ${after}`)).length > 0),
    { numRuns: 500 },
  );
});

t.test('prose and code about prefixes stay clean', async (t) => {
  for (const text of [
    'GitHub tokens start with ghp_ followed by 36 characters of letters and digits',
    'keys look like sk- then something_long_and_lower_case_identifier',
    "const PREFIXES = ['sk-', 'sk_live_', 'AKIA', 'ghp_', 'glpat-', 'hf_'];",
    'AKIA is the prefix of an access key id; ASIA of a temporary one',
    'set OPENAI_API_KEY to sk- and the rest of your key from the dashboard',
    'hf_ tokens: huggingface_hub.login(token=os.environ["HF_TOKEN"])',
    'the npm_ prefix then the package configuration directory node_modules_cache',
    'AKIA. The access key id starts with those four letters, then sixteen more of Base32',
    'ghp_ tokens are classic; The fine-grained ones start github_pat_ instead (see SettingsDeveloperTokens)',
    'Use the sk- prefix. Then RunTheInstallerAgainWithVerboseLogging to see the failure',
    'scanners match sk- | sk_live_ | AKIA | ghp_ | glpat- | hf_ | xoxb- as prefixes of known formats',
    'the ghp_ tokens of the CI bot, ROTATE2024 and DEPLOY_KEY_RING, live in the vault',
    '// npm_, SG., AIza, xoxb-…, the Slack webhook URL, eyJ (eyAi, ewo…), AccountKey, SharedAccessKey, Bearer.',
  ]) t.same(secretsIn(said(text)), [], text);
});
