// Issue 23's splits the windows do not join: halves of a key several turns apart, and base64 of a key
// cut across two strings (edgeJoins in scan.ts).
import t from 'tap';
import fc from 'fast-check';
import { scanBody } from './body.js';
import { keysLeft, keysRight } from '../text/substitutions.js';

const limits = { decodedBytes: 1 << 20 };
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// Random characters ending in a few distinct ones (a key of one repeated character is a placeholder, not a key).
const aws = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 13, maxLength: 13 }).map((xs) => 'AKIA' + xs.map((x) => upper[x]).join('') + 'Q7Z');
const turn = fc.array(fc.constantFrom('ok', 'noted', 'what else?', 'the build', 'is green', 'thanks', '42', 'sure —'), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const chat = (contents: string[]) => ({ messages: contents.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })) });
const secretPieces = (body: unknown) => {
  const { findings, pieces } = scanBody(body, limits);
  return findings.filter((f) => f.dataClass === 'secret.api_key').map((f) => f.spans.map((s) => pieces[s.piece].path));
};

t.test('property: a key split at any point with up to seven turns between the halves is found across them', async (t) => {
  fc.assert(
    fc.property(aws, fc.integer({ min: 1, max: 19 }), fc.array(turn, { minLength: 0, maxLength: 7 }), (key, cut, between) => {
      const body = chat([`the first part is ${key.slice(0, cut)}`, ...between, `${key.slice(cut)} is the rest`]);
      const last = `messages[${between.length + 1}].content`;
      return secretPieces(body).some((paths) => paths.includes('messages[0].content') && paths.includes(last));
    }),
    { numRuns: 300 },
  );
});

t.test('property: base64 of a key cut at any point across two strings, with turns between, is found', async (t) => {
  fc.assert(
    fc.property(aws, fc.integer({ min: 1, max: 40 }), fc.array(turn, { minLength: 0, maxLength: 6 }), (key, cut, between) => {
      const b64 = Buffer.from(`the key is ${key}`).toString('base64');
      const body = chat([`decode this: ${b64.slice(0, cut)}`, ...between, `${b64.slice(cut)} thanks`]);
      return secretPieces(body).length > 0;
    }),
    { numRuns: 300 },
  );
});

const githubKey = fc.stringMatching(/^[A-Za-z0-9]{36}$/).map((s) => 'ghp_' + s.slice(0, 33) + 'q7Z');

t.test('property: a key spelt out or in groups, cut at any point with turns between, is found across them', async (t) => {
  const spell = fc.constantFrom((s: string) => [...s].join(' '), (s: string) => s.match(/.{1,4}/g)!.join('-'), (s: string) => [...s].join(' | '), (s: string) => s.match(/.{1,5}/g)!.join(' '));
  fc.assert(
    fc.property(githubKey, spell, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.array(turn, { minLength: 0, maxLength: 6 }), (key, sp, at, between) => {
      const spelt = sp(key);
      const cut = Math.max(1, Math.floor(spelt.length * at));
      return secretPieces(chat([`debug this ${spelt.slice(0, cut)}`, ...between, `${spelt.slice(cut)} thanks`])).length > 0;
    }),
    { numRuns: 200 },
  );
});

t.test('property: a percent-encoded key cut at any point across two strings is found', async (t) => {
  fc.assert(
    fc.property(githubKey, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.array(turn, { minLength: 0, maxLength: 6 }), (key, at, between) => {
      const encoded = [...key].map((c) => '%' + c.charCodeAt(0).toString(16)).join('');
      const cut = Math.max(1, Math.floor(encoded.length * at));
      return secretPieces(chat([`value ${encoded.slice(0, cut)}`, ...between, `${encoded.slice(cut)} ok`])).length > 0;
    }),
    { numRuns: 200 },
  );
});

t.test('turns of ordinary words, code and base64 of harmless text are not joined into a key', async (t) => {
  const harmless = Buffer.from('just some ordinary words, nothing secret here at all').toString('base64');
  for (const body of [
    chat(['the cat sat', 'on the mat', 'with a hat', 'and then', 'left quickly', 'done']),
    chat([`part one ${harmless.slice(0, 20)}`, 'ok', 'and', `${harmless.slice(20)} the end`]),
    chat(['const value = computeSomethingLong', 'return anotherIdentifier', 'x', 'y', 'z', 'AndOneMoreIdentifierHere + 1']),
    chat(['we spell it g h p _ then', 'the rest is a b c d e f g h i j k l m n o p', 'x y z', 'risk-based task_list sk - ok']),
    chat(['100% of', '%20 and 50% done']),
  ]) {
    t.same(secretPieces(body), [], JSON.stringify(body).slice(0, 80));
  }
});

t.test('property: a key built as code or markup builds strings, cut at any point with turns between, is found across them', async (t) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // Drawn at random as keys are (shrinking makes runs of one character, which no key is).
  const key = fc.array(fc.integer({ min: 0, max: 61 }), { minLength: 40, maxLength: 40 }).filter((xs) => new Set(xs).size >= 24).map((xs) => `sk-proj-${xs.map((i) => alphabet[i]).join('')}Zq7`);
  const builds: Record<string, (k: string) => string> = {
    literals: (k) => k.match(/.{1,5}/g)!.map((g) => JSON.stringify(g)).join(' + '),
    codes: (k) => [...k].map((c) => c.charCodeAt(0)).join(', '),
    markup: (k) => [...k].map((c) => `<b>${c}</b>`).join(''),
  };
  fc.assert(
    fc.property(key, fc.constantFrom(...Object.keys(builds)), fc.nat(), fc.array(turn, { minLength: 0, maxLength: 4 }), (k, how, at, between) => {
      const built = builds[how](k);
      const cut = 1 + (at % (built.length - 1));
      const body = chat([`the first part is ${built.slice(0, cut)}`, ...between, `${built.slice(cut)} is the rest`]);
      const { findings } = scanBody(body, limits);
      return findings.some((f) => f.dataClass.startsWith('secret.'));
    }),
    { numRuns: 300 },
  );
});

t.test('a code conversation whose turns end and start with strings and tags has no finding across them', async (t) => {
  const body = chat([
    'const a = "hello";\nconst b = \'world\' + "again"',
    '"use strict";\nexport const x = <div className="a">text</div>;',
    'values = [10, 20, 30, 40]',
    '"done", she said. <br> ok',
  ]);
  t.same(scanBody(body, limits).findings, []);
});

t.test("property: a ROT47'd key cut at any point after its prefix, with turns between, is found across them", async (t) => {
  const rot47 = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(33 + ((c.charCodeAt(0) - 33 + 47) % 94)));
  fc.assert(
    fc.property(githubKey, fc.integer({ min: 5, max: 38 }), fc.array(turn, { minLength: 0, maxLength: 6 }), (key, cut, between) => {
      const turned = rot47(key);
      return secretPieces(chat([`debug this ${turned.slice(0, cut)}`, ...between, `${turned.slice(cut)} thanks`])).length > 0;
    }),
    { numRuns: 200 },
  );
});

t.test('property: a key typed one key to the side, cut at any point after its prefix, with turns between, is found across them', async (t) => {
  fc.assert(
    fc.property(githubKey, fc.constantFrom(keysLeft, keysRight), fc.integer({ min: 5, max: 38 }), fc.array(turn, { minLength: 0, maxLength: 6 }), (key, typed, cut, between) => {
      const turned = typed(key);
      return secretPieces(chat([`debug this ${turned.slice(0, cut)}`, ...between, `${turned.slice(cut)} thanks`])).length > 0;
    }),
    { numRuns: 200 },
  );
});

t.test('property: character codes spaced out, cut at any point with turns between, are found across them', async (t) => {
  const code = fc.constantFrom((c: string) => String(c.charCodeAt(0)), (c: string) => `0x${c.charCodeAt(0).toString(16)}`);
  fc.assert(
    fc.property(githubKey, fc.array(code, { minLength: 40, maxLength: 40 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.array(turn, { minLength: 0, maxLength: 6 }), (key, codes, at, between) => {
      const spelt = [...key].map((c, i) => codes[i](c)).join(' ');
      const cut = Math.max(1, Math.floor(spelt.length * at));
      return secretPieces(chat([`run ${spelt.slice(0, cut)}`, ...between, `${spelt.slice(cut)} thanks`])).length > 0;
    }),
    { numRuns: 200 },
  );
});
