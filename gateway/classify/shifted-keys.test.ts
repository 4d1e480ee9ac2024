// A key under any Caesar shift, ROT47 or Atbash is found and masked on itself; the shapes that find a
// shifted prefix do not make a key of ordinary code, hashes or identifiers.
import t from 'tap';
import { PREFIXED_KEYS } from './fixtures/prefixed-keys.js';
import fc from 'fast-check';
import { shiftedReadings, shiftOf } from './shifted-keys.js';
import { keywordPass } from './keyword-pass.js';
import { atbash, caesar, rot47 } from '../text/substitutions.js';
import { scanBody } from './body.js';
import { maskBody } from './mask.js';

const keys = PREFIXED_KEYS;
const secretsIn = (content: string) => scanBody({ messages: [{ role: 'user', content }] }, { decodedBytes: 1 << 20 }).findings.filter((f) => f.dataClass.startsWith('secret.'));

t.test('shiftOf reads the shift a prefix is under, or none', async (t) => {
  t.equal(shiftOf('jks_x', 0, 'ghp_'), 3);
  t.equal(shiftOf('ghp_x', 0, 'ghp_'), 0, 'as written');
  t.equal(shiftOf('DNLD', 0, 'AKIA'), 3);
  t.equal(shiftOf('dnld', 0, 'AKIA'), -1, 'case is kept by a shift');
  t.equal(shiftOf('jks-x', 0, 'ghp_'), -1, 'signs are kept by a shift');
  t.equal(shiftOf('jkt_x', 0, 'ghp_'), -1, 'one letter moved further than the others');
  t.equal(shiftOf('vn-surm-', 0, 'sk-proj-'), 3);
});

t.test('every format under every shift, ROT47 and Atbash is refused', async (t) => {
  for (const [name, key] of Object.entries(keys)) {
    for (let n = 1; n < 26; n++) t.ok(secretsIn(`please use ${caesar(key, n)} for the deploy`).length > 0, `${name} shifted by ${n}`);
    t.ok(secretsIn(`please use ${rot47(key)} for the deploy`).length > 0, `${name} ROT47`);
    t.ok(secretsIn(`please use ${atbash(key)} for the deploy`).length > 0, `${name} Atbash`);
  }
});

t.test('every format reversed together with a shift, ROT47 or Atbash is refused', async (t) => {
  const back = (s: string) => [...s].reverse().join('');
  for (const [name, key] of Object.entries(keys)) {
    // A shift of an AWS id or Google key reversed has no separator to read it from: those two by ROT47 and Atbash only.
    if (name !== 'aws' && name !== 'google') for (const n of [2, 9, 21]) t.ok(secretsIn(`please use ${back(caesar(key, n))} for the deploy`).length > 0, `${name} shifted by ${n}, reversed`);
    t.ok(secretsIn(`please use ${back(rot47(key))} for the deploy`).length > 0, `${name} ROT47, reversed`);
    t.ok(secretsIn(`please use ${back(atbash(key))} for the deploy`).length > 0, `${name} Atbash, reversed`);
  }
});

t.test("a shifted key whose body holds `_` or `-` near its start (OpenAI's base64url) is refused", async (t) => {
  for (const key of ['sk-proj-b5YWX61_h0LRYX2h5LdtTgr1sV9OZo7F_5SXXOAS5hDgnJFR', 'sk-proj-U3s-i_uqeFujHktGrNG_pqno_NPMIom9G_UyEShWTCCXWNEH']) {
    for (const n of [1, 7, 19]) t.ok(secretsIn(`uses hello ${caesar(key, n)}`).length > 0, `${key.slice(0, 14)}… shifted by ${n}`);
  }
});

t.test('a shifted key is masked on itself, the words around it kept', async (t) => {
  const shifted = caesar(keys.github, 5);
  const { body } = await maskBody({ messages: [{ role: 'user', content: `token ${shifted} here` }] }, ['secret.api_key', 'secret.token', 'secret.fragment'], { decodedBytes: 1 << 20 }, 'abcd1234');
  const content = (body.messages as Array<{ content: string }>)[0].content;
  t.notOk(content.includes(shifted), 'the shifted key is gone');
  t.match(content, /^token \[[A-Z_]+_1#abcd1234\] here$/);
});

t.test('property: a random key body under a random shift, among words, is found', async (t) => {
  // Each format with its last twelve characters drawn again from its own alphabet (AWS's capitals and digits).
  const formats = fc.constantFrom(...Object.values(keys).map((k) => k.replace(/[A-Za-z0-9]{12}$/, '')));
  const tail = fc.stringMatching(/^[A-Za-z0-9]{12}$/).filter((s) => /\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s));
  const words = fc.array(fc.constantFrom('please', 'the', 'value', 'is', 'config:', '—', 'ok'), { maxLength: 5 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(formats, tail, fc.integer({ min: 1, max: 25 }), words, words, (format, end, n, before, after) => {
      const key = format + (format.startsWith('AKIA') ? end.toUpperCase() : end);
      return secretsIn(`${before} ${caesar(key, n)} ${after}`).length > 0;
    }),
    { numRuns: 400 },
  );
});

t.test('shapes in ordinary code are not keys', async (t) => {
  const clean = [
    'integrity sha512-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789== and sha256-0123456789abcdefABCDEF',
    'const now_ms = Date.now(); const db_connection = open(); my_long_identifier_name_here_and_more',
    'id 123e4567-e89b-12d3-a456-426614174000 and 0123456789ABCDEF0123456789ABCDEF',
    'HTTPREQUESTHANDLERFACTORYIMPL and SCREAMINGSNAKE and the-kebab-case-name-that-goes-on',
    'pkg-name-1234567890abcdef1234 and run_id-abcdefghijklmnop and x-request-id abcdefghijklmnopqrst',
    // ROT47 turns `hf_` into `970` and `ghp_` into `89A0`: numbers, hashes and UUIDs that hold them.
    'service runs commit 970d732d6440f64ed85a469ac622623 since 2020/08/2 and 19 U.S.C. § 9703(d)(10)',
    'Filed 9705c3c2-c626-404a-a7c8-fdbc12345678 and firmware 89A0FF12AB34CD56EF78 on 2024-04-14',
  ];
  for (const text of clean) t.same(secretsIn(text), [], text);
  t.same(shiftedReadings('plain words and a ghp_ that is too short'), []);
});

t.test('a ROT47 key held in tool call arguments (its quotes and backslashes escaped by JSON) is refused', async (t) => {
  for (const [name, key] of Object.entries(keys)) {
    const body = { messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: JSON.stringify({ q: rot47(key) }) } }] }] };
    t.ok(scanBody(body, { decodedBytes: 1 << 20 }).findings.some((f) => f.dataClass.startsWith('secret.')), name);
  }
});

t.test("property: read from the keyword pass's capital pairs, the shifted AWS ids and Google keys are those the expression finds, and more", async (t) => {
  const aws = fc.stringMatching(/^[A-Z2-7]{16}$/).map((b) => `AKIA${b}`);
  const google = fc.stringMatching(/^[A-Za-z0-9_-]{35}$/).map((b) => `AIza${b}`);
  const noise = fc.constantFrom(' ', 'X', 'the ', 'JSON ', 'AB', '-', '_', 'ASCII ');
  fc.assert(
    fc.property(fc.array(fc.oneof(aws, google, noise), { maxLength: 8 }), fc.integer({ min: 1, max: 25 }), (parts, n) => {
      const text = caesar(parts.join(''), n);
      const byPairs = new Set(shiftedReadings(text, keywordPass(text).runPairs[0]).map((r) => `${r.place(0, r.text.length)} ${r.text}`));
      return shiftedReadings(text).every((r) => byPairs.has(`${r.place(0, r.text.length)} ${r.text}`));
    }),
    { numRuns: 500 },
  );
});
