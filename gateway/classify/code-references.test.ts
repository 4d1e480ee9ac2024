// Installed packages' sources name code where the detectors look for credentials: a value assigned to a
// credential-like name that is itself a call, an index, a path of names or an import, and a long name or
// a URL path read as a 40-character AWS secret key. None of those is a finding; a credential in the same
// places still is.
import t from 'tap';
import fc from 'fast-check';
import { scanBody } from './body.js';
import { codeReference, lettersPerWord, notAnAwsKey } from './checks.js';

const limits = { decodedBytes: 1 << 20 };
const secretsIn = (text: string) => scanBody({ messages: [{ role: 'user', content: text }] }, limits).findings.filter((f) => f.dataClass.startsWith('secret.'));

// Code from installed packages (no finding), then credentials in the same places (found).
const cases: Array<[string, 'code' | 'credential']> = [
  ['    self.embed_tokens = Gemma4UnifiedTextScaledWordEmbedding(\n            config.vocab_size)', 'code'],
  ['        image_tokens = self.vocabulary_mapping.convert_bpe2img(sequences)\n', 'code'],
  ['img_tokens = self.img2bpe_mapping_tensor[img_batch.to("cpu")]', 'code'],
  ['exports.ClientAuthentication = exports.OAuth2Client = exports.CodeChallengeMethod = void 0;', 'code'],
  ['const InputTokensAPI = tslib_1.__importStar(require("./input-tokens"));', 'code'],
  ['this.socks5ChosenAuthType = constants_1.Socks5Auth.NoAuth;\n', 'code'],
  ['   authenticationFactor: AuthenticationFactorV2.MULTI_FACTOR,\n', 'code'],
  ['        >>> from transformers import AutoTokenizer, Qwen3ForCausalLM\n\n        >>> model = 1', 'code'],
  ['import {validate as validate6}from"./IoK8sApiAppsV1beta1StatefulSetCondition.js";function v(){}', 'code'],
  ['from ...modeling_speech_to_text import Speech2TextSinusoidalPositionalEmbedding\n\n\nlogger = 1', 'code'],
  ['    See https://docs.google.com/document/d/1aGWtgxV3HppuxQAdddyPrs74_aEntpkYt9MalnC for the design.\n', 'code'],
  ['password = "Summer2024PasswordX"', 'credential'],
  ['api_key = Ab3dE5fG7hJ9kL1mN3pQ5rS7\n', 'credential'],
  ['token: s.Ab3dE5fG7hJ9kL1mN3pQ5rS7\n', 'credential'],
  ['auth = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n', 'credential'],
  ['aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Rt3mNvB here', 'credential'],
  ['see wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Rt3mNvB for the key', 'credential'],
  // What an insider tries next: a random value dressed as a call, an index, a path or an import.
  ['password = Xk3dE5fG7hJ9kL1mN3pQ5(', 'credential'],
  ['api_token = self.Xk3dE5fG7hJ9kL1mN3pQ5[0]', 'credential'],
  ['from x import a, token = Xk3dE5fG7hJ9kL1mN3pQ5rS7\n', 'credential'],
];

t.test('code found in installed packages is not a credential; a credential in the same places is', async (t) => {
  for (const [text, what] of cases) t.equal(secretsIn(text).length > 0, what === 'credential', `${what}: ${text}`);
});

t.test('property: a random value assigned to a credential-like name is never taken for code, quoted or not, whatever follows', async (t) => {
  // Random as a key is (fewer than 3 letters a word: nearly every random value; a rare one made of words by
  // chance is the price, shown by the count below), also glued to `(` or `[` and on an import line.
  const value = fc.stringMatching(/^[A-Za-z0-9]{12,40}(?:\.[A-Za-z0-9]{4,20})?$/);
  let wordy = 0;
  fc.assert(
    fc.property(value, fc.constantFrom('api_key = ', 'password: ', 'token=', 'secret => ', 'from x import a, token = '), fc.constantFrom('', '"', "'"), fc.constantFrom('\n', ';', ' ', ',', ')', '', '(', '['), (v, name, quote, end) => {
      if (v.split('.').every((n) => lettersPerWord(n) >= 3)) {
        wordy++;
        return true;
      }
      return !codeReference(v, `${name}${quote}${v}${quote}${end}`, name.length + quote.length);
    }),
    { numRuns: 5000 },
  );
  t.ok(wordy < 250, `${wordy} of 5,000 random values made of words by chance`);
});

t.test('property: random base64 of 40 standing alone is never taken for a name or a URL path', async () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9+/]{40}$/), (run) => !notAnAwsKey(run, ` ${run} `, 1)),
    { numRuns: 20000 },
  );
});

t.test('a quoted value, or a path with a random part, is never taken for code', async (t) => {
  t.notOk(codeReference('Summer2024Password', 'password = "Summer2024Password"', 12), 'quoted');
  t.notOk(codeReference('s.Ab3dE5fG7hJ9kL1mN3pQ5rS7', 'token = s.Ab3dE5fG7hJ9kL1mN3pQ5rS7\n', 8), 'a Vault token');
  t.ok(codeReference('constants_1.Socks5Auth.NoAuth', 'authType = constants_1.Socks5Auth.NoAuth;', 11), 'a path of names');
  t.ok(codeReference('Qwen3ForCausalLM', 'from transformers import AutoTokenizer, Qwen3ForCausalLM\n', 40), 'an import');
});
