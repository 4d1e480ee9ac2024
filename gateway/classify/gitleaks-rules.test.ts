// gitleaks' default rule set as run here: every rule that applies to a request has a realistic sample
// (fixtures/gitleaks-samples.json, generated from the rule by scripts/gitleaks-samples.ts; random
// characters, never a live key) that the rule finds, alone and through the whole scan; known test values
// and the false positives the issue names stay clean; the keyword pass finds what a plain search finds.
import t from 'tap';
import fc from 'fast-check';
import data from './gitleaks/rules.json' with { type: 'json' };
import samples from './fixtures/gitleaks-samples.json' with { type: 'json' };
import { gitleaksMatches, leftOut, ruleMatches, rules, secretRuleMatches, version } from './gitleaks-rules.js';
import { presetRules } from './preset-rules.js';
import preset from './fixtures/secretlint-samples.json' with { type: 'json' };
import { KeywordAutomaton } from './keyword-automaton.js';
import { scanBody } from './body.js';

const limits = { decodedBytes: 1 << 20 };
const bySample = samples as Record<string, string>;

t.test(`every rule of gitleaks ${version} is run or left out with a reason`, async (t) => {
  t.equal(rules.length + leftOut.length, data.rules.length);
  t.ok(rules.length >= 215, `${rules.length} of ${data.rules.length} rules run`);
  t.same(leftOut.map((r) => r.id).sort(), ['curl-auth-header', 'curl-auth-user', 'freemius-secret-key', 'hashicorp-tf-password', 'kubernetes-secret-yaml', 'nuget-config-password', 'pkcs12-file']);
});

t.test('every rule finds its own sample, and the whole scan refuses it in a chat body', async (t) => {
  const unseen: string[] = [];
  for (const rule of rules) {
    const sample = bySample[rule.id];
    if (!sample) {
      unseen.push(rule.id);
      continue;
    }
    if (gitleaksMatches(sample, rule.id).length === 0) unseen.push(`${rule.id} (its rule)`);
    const { findings } = scanBody({ model: 'm', messages: [{ role: 'user', content: `please check this config:\n${sample}\nthanks` }] }, limits);
    if (!findings.some((f) => f.dataClass.startsWith('secret.'))) unseen.push(`${rule.id} (the scan)`);
  }
  t.same(unseen, [], 'no rule without a sample it finds');
});

t.test('known test values and the false positives the issue names stay clean', async (t) => {
  t.same(gitleaksMatches('aws_access_key_id = AKIAIOSFODNN7EXAMPLE'), [], "AWS's documented example key");
  for (const text of ['const authenticationMD5Password = 5;', 'git@github.com:org/repo.git', 'see DFARS 252.227-7013 and 252.227-7014', 'password = ${DB_PASSWORD}', 'api_key: "{{ .Values.apiKey }}"', 'token=xxxxxxxxxxxxxxxx', "existsSync(join(dataDir, 'keys', 'signing-ed25519.pem'))", '- key: signing-ed25519.pem']) {
    t.same(gitleaksMatches(text), [], text);
  }
});

t.test('a digest named by its algorithm is not a secret; the same value assigned to a key is', async (t) => {
  const hex = 'c99537d2d2749a4550724158142bfedd94833fc0110d5724160d3a674e67b462';
  for (const text of [`clone api.git running sha256:${hex}.`, `api image@sha256:${hex}`, `auth checksum md5=${hex.slice(0, 32)}`]) t.same(gitleaksMatches(text), [], text);
  t.ok(gitleaksMatches(`api_key = "${hex.slice(0, 40)}"`).length > 0, 'a hex value assigned to api_key');
});

t.test('the Azure storage connection string and a JWT with spaced header JSON are found', async (t) => {
  const accountKey = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255)).toString('base64');
  t.equal(accountKey.length, 88);
  const conn = `DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=${accountKey};EndpointSuffix=core.windows.net`;
  const b64 = (o: string) => Buffer.from(o).toString('base64url');
  const jwt = `${b64('{ "alg": "HS256", "typ": "JWT" }')}.${b64('{ "sub": "1234567890", "name": "Jane" }')}.${b64('signature-bytes-0123')}`;
  t.match(jwt, /^eyAi/);
  const jwtLines = `${b64('{\n  "alg": "RS256"\n}')}.${b64('{\n  "sub": "42"\n}')}.${b64('sig-0123456789')}`;
  for (const [name, text, kind] of [['connection string', conn, 'azureStorageKey'], ['JWT, spaced header', jwt, 'jwt'], ['JWT, header on lines', jwtLines, 'jwt']]) {
    const { findings } = scanBody({ messages: [{ role: 'user', content: `here: ${text}` }] }, limits);
    t.ok(findings.some((f) => f.kind === kind), name);
  }
});

t.test('property: the keyword pass finds exactly the keywords (and where each ends) a lower-cased search finds', async (t) => {
  const keywords = [...new Set(rules.flatMap((r) => r.keywords))];
  const automaton = new KeywordAutomaton(keywords);
  const text = fc.array(fc.oneof(fc.constantFrom(...keywords), fc.constantFrom(...keywords).map((k) => k.toUpperCase()), fc.stringMatching(/^[ -~]{0,5}$/), fc.constantFrom('é', 'ß', '\u00a0')), { maxLength: 12 }).map((p) => p.join(''));
  fc.assert(
    fc.property(text, (s) => {
      const lower = s.replace(/[A-Z]/g, (c) => c.toLowerCase());
      const expected = keywords.map((k, i) => (lower.includes(k) ? i : -1)).filter((i) => i >= 0);
      const found = [...automaton.found(s)].sort((a, b) => a - b);
      // And foundAt: every occurrence, as keyword and the offset past it (what the anchored rules start from).
      const at: string[] = [];
      keywords.forEach((k, i) => {
        for (let p = lower.indexOf(k); p >= 0; p = lower.indexOf(k, p + 1)) at.push(`${i}@${p + k.length}`);
      });
      const hits = automaton.foundAt(s);
      const got: string[] = [];
      for (let h = 0; h < hits.length; h += 2) got.push(`${hits[h]}@${hits[h + 1]}`);
      return JSON.stringify(found) === JSON.stringify(expected) && JSON.stringify(got.sort()) === JSON.stringify(at.sort());
    }),
    { numRuns: 500 },
  );
});

t.test('property: an anchored rule tried at its start words only matches where a search of the whole text does', async (t) => {
  const anchored = rules.filter((r) => r.atKeyword !== null);
  t.ok(anchored.length > 150, `${anchored.length} of ${rules.length} rules anchored at a keyword`);
  t.ok(rules.some((r) => r.id === 'generic-api-key' && r.atKeyword !== null), 'the generic rule, the costliest, among them');
  const airtable = rules.find((r) => r.id === 'airtable-personnal-access-token')!;
  t.same(airtable.startWords, ['pat'], 'a rule whose match need not hold its keyword is tried at its leading literal');
  t.ok(rules.some((r) => r.id === 'sourcegraph-access-token' && r.atKeyword === null), 'one whose match may start anywhere is searched whole');
  const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const startsOf = (rule: (typeof rules)[number], text: string) => {
    const lower = fold(text);
    const out: number[] = [];
    for (const k of rule.startWords) for (let at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + 1)) out.push(at);
    return out;
  };
  const shape = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, m[0].length]);
  let matched = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...anchored),
      fc.array(fc.oneof(fc.constant('KEY'), fc.constant(' = '), fc.constant('"'), fc.stringMatching(/^[A-Za-z0-9_.=:\-'" ]{0,12}$/)), { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      (rule, noise, at) => {
        // The rule's own sample and keywords (in any case) put among noise, glued or apart.
        const parts = [...noise];
        const sample = bySample[rule.id];
        for (const [n, k] of at.entries()) {
          const words = [...rule.keywords, ...rule.startWords];
          const word = n % 2 === 0 && sample ? sample : words[k % words.length];
          parts.splice(k % (parts.length + 1), 0, n % 3 === 2 ? word.toUpperCase() : word);
        }
        const text = parts.join('');
        const want = shape(ruleMatches({ ...rule, atKeyword: null }, text));
        matched += want.length;
        t.same(shape(ruleMatches(rule, text, startsOf(rule, text))), want, rule.id);
      },
    ),
    { numRuns: 4000 },
  );
  t.ok(matched > 300, `${matched} matches compared`);
});

t.test('property: the preset\'s rules, tried at their start words, find what a search of the whole text finds', async (t) => {
  const texts = preset.samples.map((s) => s.text).filter((x) => presetRules.some((r) => new RegExp(r.pattern.source, r.pattern.flags).test(x)));
  t.ok(texts.length >= 10, `${texts.length} of the preset's samples its own rules find`);
  const words = [...new Set(presetRules.flatMap((r) => r.keywords))];
  const whole = (text: string) => {
    const out: string[] = [];
    for (const r of presetRules) {
      for (const m of text.matchAll(new RegExp(r.pattern.source, r.pattern.flags))) if (!r.accept || r.accept(m.groups ?? {})) out.push(`${r.kind}@${m.index}+${m[0].length}`);
    }
    return out.sort();
  };
  const byRules = (text: string) => secretRuleMatches(text).filter((m) => m.ruleId === 'secretlint-preset').map((m) => `${m.kind}@${m.start}+${m.end - m.start}`).sort();
  let found = 0;
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...texts), fc.constantFrom(...words), fc.constantFrom('JDBC:', 'jdbc:', ' ', '"', 'x', 'é'), fc.stringMatching(/^[A-Za-z0-9_.:\/@-]{0,8}$/)), { maxLength: 8 }), (parts) => {
      const text = parts.join('');
      const want = whole(text);
      found += want.length;
      t.same(byRules(text), want);
    }),
    { numRuns: 1500 },
  );
  t.ok(found > 300, `${found} matches compared`);
});
