// The disguises of issue 23 (#4) undone: ROT13, reversal, both, escapes written as text, base32,
// gzip and deflate inside base64, base64 nested three deep; a fast-check property over secret ×
// disguise; ordinary text with the signs of a disguise stays clean.
import t from 'tap';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { scanBody } from './body.js';
import { rot13, reversed } from './text-decoders.js';
import { b64, disguises } from '../../test/egress/scrambles.js';

const limits = { decodedBytes: 1 << 20 };
const secretsIn = (text: string) => scanBody({ messages: [{ role: 'user', content: text }] }, limits).findings.filter((f) => f.dataClass.startsWith('secret.'));

const keys = {
  aws: () => 'AKIA' + 'Q2W3E4R5T6Y7U8I2',
  github: () => 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0'.repeat(2).slice(0, 36),
  openai: () => 'sk-proj-' + 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY',
};

for (const [name, disguise] of Object.entries(disguises)) {
  t.test(`${name}: found`, async (t) => {
    for (const [kind, key] of Object.entries(keys)) t.ok(secretsIn(`please debug ${disguise(key())} thanks`).length > 0, kind);
  });
}

t.test('a ROT13 or reversed finding keeps its exact place', async (t) => {
  const text = `x ${rot13(keys.aws())} y`;
  const [f] = secretsIn(text);
  t.same(text.slice(f.spans[0].start, f.spans[0].end), rot13(keys.aws()));
  const back = `x ${reversed(keys.aws())} y`;
  const [g] = secretsIn(back);
  t.same(back.slice(g.spans[0].start, g.spans[0].end), reversed(keys.aws()));
});

t.test('text with the signs of a disguise but none inside stays clean', async (t) => {
  for (const text of ['&#169; 2026 &#x2014; all rights &#174;', 'printf("\\x1b[0m\\x1b[1m\\x1b[2m")', 'const s = "\\u00e9\\u00e8\\u00ea";', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 'the SUBSCRIPTIONSANDRENEWALSSECTIONTWO clause', 'AIKA is a name; fx-series amps; tuc_ is not a word', b64(gzipSync('just some ordinary words here'))]) {
    t.same(secretsIn(text), [], text);
  }
});

t.test('a gzip bomb inside base64 is not inflated past the cap', async (t) => {
  const bomb = b64(gzipSync(Buffer.alloc(8 << 20, 0x41)));
  t.ok(bomb.length < 64 * 1024);
  const t0 = performance.now();
  t.same(secretsIn(bomb), []);
  t.ok(performance.now() - t0 < 10_000, 'returns');
});

t.test('property: a random AWS key in a random disguise anywhere in random prose is found', async (t) => {
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const aws = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 16, maxLength: 16 }).map((xs) => 'AKIA' + xs.map((x) => upper[x]).join(''));
  const words = fc.array(fc.constantFrom('the', 'deploy', 'key', 'is', 'here', 'and', 'then', 'ok', '42', '—'), { maxLength: 8 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(aws, fc.constantFrom(...Object.keys(disguises)), words, words, (key, name, before, after) => secretsIn(`${before} ${disguises[name](key)} ${after}`).length > 0),
    { numRuns: 200 },
  );
});

t.test('a key spelt with long runs of spaces, with asterisks, or in groups of five is found', async (t) => {
  const key = keys.aws();
  for (const text of [[...key].join('    '), [...key].join('*'), [...key].join(' * '), key.match(/.{1,5}/g)!.join(' '), key.match(/.{1,5}/g)!.join('-')]) {
    t.ok(secretsIn(`the key: ${text} ok`).length > 0, text);
  }
  t.same(secretsIn('ASIA 2025 SUMMIT: the TRADE AND GROWTH * OF THE * NEXT DECADE'), [], 'capitals and asterisks in prose');
});
