// A key built from pieces as code and markup build strings is read whole; an array of words, package pins
// or prefixes joined up is not a key.
import t from 'tap';
import fc from 'fast-check';
import { builtStringRuns, chainMatches, CHAIN_SEARCH, markupReadings } from './built-strings.js';
import { scanBody } from './body.js';

const key = 'sk-proj-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1De3Fg5Hj7Kl9';
const aws = 'AKIAZ7Q2LMN4RT6VX8BC';
const secretsIn = (content: string) => scanBody({ messages: [{ role: 'user', content }] }, { decodedBytes: 1 << 20 }).findings.filter((f) => f.dataClass.startsWith('secret.'));
const groups = (s: string, n: number) => s.match(new RegExp(`.{1,${n}}`, 'g'))!;

t.test('the readings', async (t) => {
  t.same(builtStringRuns(`x = "sk-pr" + 'oj-Ab3De5Gh' + \`7Jk9\`;`).map((r) => r.text), ['sk-proj-Ab3De5Gh7Jk9']);
  t.same(builtStringRuns(`KEY = ('AKIAZ7Q2'\n       'LMN4RT6VX8BC')`).map((r) => r.text), [aws], "Python's implicit concatenation over lines");
  t.same(builtStringRuns(`String.fromCharCode(65, 75, 73, 65, 90, 55, 81, 50)`).map((r) => r.text), ['AKIAZ7Q2']);
  t.same(builtStringRuns(`[0x41, 0x4b, 0x49, 0x41, 0x5a, 0x37, 0x51, 0x32]`).map((r) => r.text), ['AKIAZ7Q2']);
  t.same(builtStringRuns('bytes 65 75 73 65 7 90 55 81 50'), [], 'a code that is no character cuts the run (here into two too short to read)');
  t.same(builtStringRuns('version 1.0 65 75 73 65 90 55 81 50').map((r) => r.text), ['AKIAZ7Q2'], 'a number before the codes does not void them');
  t.same(builtStringRuns('bytes 101 113 111 101 132 067 121 062').map((r) => r.text), ['AKIAZ7Q2'], 'octal codes read as octal too (as decimal they are no key)');
  t.same(builtStringRuns('dump: 41 4b 49 41 5a 37 51 32 end').map((r) => r.text), ['AKIAZ7Q2'], "a hex dump's bytes apart");
  t.same(builtStringRuns('key 41:4b:49:41:5a:37:51:32').map((r) => r.text), ['AKIAZ7Q2'], 'apart by colons');
  t.same(builtStringRuns('mac 00:1a:2b:3c:4d:5e, sha1 3f:a2:91:0c:7e:d4:88:b1:02:ee:5c:16:9a:40:77:c3:e1:0f:d2:6b'), [], 'an address or a digest is no text');
  t.same(builtStringRuns('we had a bad, bad day; be ad ce de fa'), [], 'words of hex letters are not bytes');
  t.same(builtStringRuns(String.raw`pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + "x7\"q\\"`).map((r) => r.text), ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7"q\\'], 'escapes inside literals read');
  t.same(builtStringRuns(`['a', 'b', 'c'] and ["user", "admin", "guest"]`), [], 'joins no run of key characters crosses are not read');
  const [tags] = markupReadings('<p>use <b>s</b><b>k</b>-proj</p>');
  t.equal(tags.text, 'use sk-proj');
  t.same(tags.place(4, 11), [10, 28], 'a span of the reading lies on its characters and the tags between');
  t.same(markupReadings('a <b>bold</b> word'), [], 'fewer than three tags: no reading');
  t.same(markupReadings('const m = new Map<string, number>(); const a: Array<string> = []; let p: Promise<void>;'), [], 'generics in code are not dense markup');
  t.same(markupReadings('<p>One paragraph of text.</p><p>Another, longer paragraph.</p><p>A third.</p>'), [], 'markup around sentences is not dense');
  // Far apart in a long text, each dense stretch is read alone, not the text whole.
  const far = `${'<b>x</b>'.repeat(4)}${' word'.repeat(200)}${'<i>y</i>'.repeat(4)}`;
  const stretches = markupReadings(far);
  t.same([stretches.length, stretches[0].text.slice(0, 4), stretches[1].text.slice(-4)], [2, 'xxxx', 'yyyy'], 'two stretches');
  t.ok(markupReadings(far).every((r) => r.text.length < 400));
});

t.test('a key built as code builds strings is found, masked on the whole build', async (t) => {
  const builds: Record<string, string> = {
    'JavaScript +': groups(key, 6).map((g) => `"${g}"`).join(' + '),
    'Python implicit': groups(key, 7).map((g) => `'${g}'`).join(' '),
    'template literals': groups(key, 9).map((g) => `\`${g}\``).join('+'),
    'array of characters': JSON.stringify([...key]),
    'array of groups': `[${groups(key, 5).map((g) => `'${g}'`).join(', ')}]`,
    'literals inside JSON text (tool call arguments)': JSON.stringify({ code: groups(key, 6).map((g) => JSON.stringify(g)).join(' + ') }),
    'decimal codes': `String.fromCharCode(${[...key].map((c) => c.charCodeAt(0)).join(', ')})`,
    'hex codes': [...aws].map((c) => '0x' + c.charCodeAt(0).toString(16)).join(' '),
    'decimal codes, spaces': [...aws].map((c) => c.charCodeAt(0)).join(' '),
    'tags between characters': [...key].map((c) => `<b>${c}</b>`).join(''),
    'a span a group': groups(key, 4).map((g) => `<span class="k">${g}</span>`).join(''),
  };
  for (const [name, built] of Object.entries(builds)) {
    const content = `please use ${built} for the call`;
    const found = secretsIn(content);
    t.ok(found.length > 0, name);
    // From the first quote or code to the last: every piece of the key is under the mask.
    const at = content.indexOf(built);
    // (Markup: from the first character after a tag to the last before one; the tags at the edges are not the key's.)
    // (Inside JSON text, from the first escaped quote to the last.)
    const tagged = built.startsWith('<');
    const json = built.startsWith('{');
    const first = at + (tagged ? built.indexOf('>') + 1 : json ? built.indexOf('\\"') : built.search(/["'`0-9]/));
    const last = at + (tagged ? built.lastIndexOf('<') : json ? built.lastIndexOf('\\"') + 2 : built.length - [...built].reverse().join('').search(/["'`0-9]/));
    t.ok(found.some((f) => f.spans[0].start <= first && f.spans.at(-1)!.end >= last), `${name}: masked across the build`);
  }
});

t.test('arrays, pins, prose in literals and markup are not keys', async (t) => {
  for (const text of [
    `dependencies = ["torch==2.15.0", "transformers==5.24.0", "tokenizers==0.23.3", "cryptography==50.0.2"]`,
    `const FIXED = ['--', 'putty-', 'sk-', 'akia', 'asia', 'abia', 'acca', 'a3t', 'aiza', 'glpat-', 'gldt-']`,
    `msg = "The quick brown fox " + "jumps over the lazy dog " + "again and again"`,
    `const ids = ['user-1234', 'user-5678', 'order-9012', 'order-3456']`,
    `<ul><li>Settings</li><li>Profile</li><li>Billing</li></ul>`,
    `bytes = [104, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100]`,
  ]) t.same(secretsIn(text), [], text);
});

t.test('property: a random key cut into random literals joined any way is found', async (t) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const body = fc.array(fc.integer({ min: 0, max: 61 }), { minLength: 40, maxLength: 40 }).map((xs) => xs.map((i) => alphabet[i]).join('')).filter((s) => /[0-9]/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s) && new Set(s).size > 16);
  fc.assert(
    fc.property(body, fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }), fc.constantFrom(' + ', '+', ' ', '\n  ', ', '), fc.constantFrom('"', "'", '`'), (b, cuts, join, quote) => {
      const k = `sk-proj-${b}`;
      const pieces: string[] = [];
      let at = 0;
      for (const c of cuts) {
        if (at >= k.length) break;
        pieces.push(k.slice(at, at + c));
        at += c;
      }
      if (at < k.length) pieces.push(k.slice(at));
      return secretsIn(`token = ${pieces.map((p) => `${quote}${p}${quote}`).join(join)};`).length > 0;
    }),
    { numRuns: 400 },
  );
});

t.test('property: chains tried only near their joins are those a search of the whole text finds', async (t) => {
  const loose = fc.oneof(
    fc.constantFrom('"', "'", '`', '\\"', '\\', '\\\\', '\n', "''", '""', "it's", 'don\'t ', '(', ')', ';'),
    fc.stringMatching(/^[A-Za-z0-9 _-]{0,12}$/),
    fc.stringMatching(/^[A-Za-z0-9]{70,90}$/),
  );
  const join = fc.constantFrom(' + ', ', ', ' ', '\n  ', '+', ',', '', ' ,\n');
  // Whole literals of each kind, the long ones near the 80-character bound.
  const literal = fc
    .tuple(fc.constantFrom('"', "'", '`', '\\"'), fc.oneof(fc.stringMatching(/^[A-Za-z0-9 _-]{0,10}$/), fc.stringMatching(/^[A-Za-z0-9]{76,84}$/), fc.constantFrom('a\\"b', '\\\\n')))
    .map(([q, inside]) => q + inside + q);
  const piece = fc.oneof({ arbitrary: literal, weight: 4 }, { arbitrary: join, weight: 3 }, { arbitrary: loose, weight: 3 });
  let chains = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => {
      const want = [...text.matchAll(CHAIN_SEARCH)].map((m) => [m.index, m[0]]);
      chains += want.length;
      t.same(chainMatches(text).map((m) => [m.index, m[0]]), want);
    }),
    { numRuns: 3000 },
  );
  t.ok(chains > 1000, `${chains} chains compared`);
});
