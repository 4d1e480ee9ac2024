// Credential fragments (issue 23, #2): a known prefix with a body too short to be the whole key is a
// `secret.fragment` finding; words that merely start like a prefix are not.
import t from 'tap';
import fc from 'fast-check';
import { findings } from './classify.js';
import { scanBody, summarise } from './body.js';

const kinds = (text: string) => findings(text).map((f) => `${f.kind}:${text.slice(f.start, f.end)}`);
const limits = { decodedBytes: 1 << 20 };

t.test('prefixes with a short body are fragments', async (t) => {
  for (const piece of ['AKIAIOSF', 'AKIA2XQZ7', 'ASIA7KQ2', 'ghp_a1B2c3', 'github_pat_11AB2c', 'glpat-x7Yz12', 'sk-proj-a1b2', 'sk-ant-api03-Ab9x', 'sk-9fA2xq', 'sk_live_4eC39Hq', 'rk_test_Ab12', 'hf_Ab12cd', 'npm_a1b2C3', 'AIzaSyB1x', 'xoxb-1234-56']) {
    t.same(kinds(`the first part is ${piece} and the rest later`), [`credentialFragment:${piece}`], piece);
  }
});

t.test('armour opened and never closed is a fragment; a complete public header is not', async (t) => {
  t.same(kinds('paste: -----BEGIN RSA PRIV'), ['credentialFragment:-----BEGIN R']);
  t.same(kinds('paste: -----BEGIN OPENSSH'), ['credentialFragment:-----BEGIN O']);
  t.same(kinds("const pem = text.includes('-----BEGIN') ? text : wrap(text)"), [], 'the bare armour start code searches for');
  t.same(kinds('-----BEGIN CERTIFICATE-----\nMIIB'), []);
  t.same(kinds('-----BEGIN PGP SIGNED MESSAGE-----'), []);
  t.same(kinds('-----BEGIN PRIVATE KEY-----\nMIIE'), [`privateKey:-----BEGIN PRIVATE KEY-----\nMIIE`], 'a private key is still a private key');
});

t.test('whole keys stay whole-key findings, not fragments', async (t) => {
  t.same(kinds('AKIAIOSFODNN7EXAMPL2'), ['awsAccessKey:AKIAIOSFODNN7EXAMPL2']);
  const gh = 'ghp_' + 'a1B2c3D4e5'.repeat(4);
  t.same(kinds(gh), [`githubToken:${gh}`]);
});

t.test('words after a prefix are not fragments', async (t) => {
  for (const text of ['pip install sk-learn', 'from huggingface_hub import hf_hub_download', 'npm_config_cache', 'ASIAN markets', 'ASIAPACIFIC', 'ghp_XXXXXXXXXXXX', 'sk-your-key-here', 'sk_test_key', 'risk-2024', 'the task-1234 ticket', 'xoxb-token']) {
    t.same(kinds(text), [], text);
  }
});

t.test('property: any prefix with 4–9 random characters holding a digit is found, in any surrounding prose', async (t) => {
  const prefixes = ['ghp_', 'gho_', 'github_pat_', 'glpat-', 'sk-', 'sk-proj-', 'sk_live_', 'rk_test_', 'hf_', 'npm_', 'AIza', 'xoxb-', 'xoxp-'];
  const body = fc.tuple(fc.stringMatching(/^[A-Za-z]{0,5}$/), fc.integer({ min: 0, max: 9 }), fc.stringMatching(/^[A-Za-z0-9]{0,3}$/)).map(([a, d, b]) => `${a}${d}${b}`.padEnd(4, 'x'));
  fc.assert(
    fc.property(fc.constantFrom(...prefixes), body, fc.constantFrom('', 'see ', 'key: ', '("', '\n'), fc.constantFrom('', ' rest', '")', '.'), (prefix, b, before, after) => {
      const text = `${before}${prefix}${b}${after}`;
      const found = findings(text);
      return found.length === 1 && found[0].dataClass === 'secret.fragment' && text.slice(found[0].start, found[0].end) === prefix + b;
    }),
    { numRuns: 300 },
  );
});

t.test('a key split over two strings: the first half is a fragment, the whole key is still found across them', async (t) => {
  const found = summarise(await scanBody({ messages: [{ role: 'user', content: 'key AKIAIOSF' }, { role: 'user', content: 'ODNN7EXAMPL2 end' }] }, limits));
  t.same(found.classes, ['secret.api_key', 'secret.fragment']);
});
