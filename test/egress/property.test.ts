// Property: a secret inserted anywhere in a valid request body (a value, a new field, an object key),
// in any of the disguises, never reaches the stand-in provider. The same insertion with harmless text
// must reach it, so each generated case is one the gateway really forwards.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId, awsSecretKey, placements, privateKeyPem, puttyKey } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const secrets: Record<string, () => string> = {
  'AWS access key': awsKeyId,
  'AWS secret key': () => `aws_secret_access_key=${awsSecretKey()}`,
  'GitHub token': () => 'ghp_' + randomBytes(27).toString('base64').replace(/[+/]/g, 'x').slice(0, 36),
  'OpenAI key': () => 'sk-proj-' + randomBytes(36).toString('base64url'),
  'PEM private key': privateKeyPem,
  'PuTTY key': puttyKey,
};

const homoglyph: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', I: 'І', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х', a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', s: 'ѕ', i: 'і' };
const disguises: Record<string, (s: string) => string> = {
  plain: (s) => s,
  homoglyphs: (s) => s.replace(/[ABCEHIKMOPTXaceopxysi]/g, (c) => homoglyph[c]),
  'zero-width spaces': (s) => [...s].join('\u200b'),
  'soft hyphens': (s) => [...s].join('\u00ad'),
  fullwidth: (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  base64: (s) => Buffer.from(`here: ${s}`).toString('base64'),
  base64url: (s) => Buffer.from(`here: ${s}`).toString('base64url'),
  'data: URI': (s) => `data:text/plain;base64,${Buffer.from(s).toString('base64')}`,
  'glued word characters': (s) => `x_${s}_y`,
  // Glued to the word before it, with no separator at all: the prefixed formats' boundary must not let it by.
  'glued to a word': (s) => `mytoken${s}`,
  // Built as code builds strings (built-strings.ts): literals of six joined by `+`, character codes, tags.
  'concatenated literals': (s) => s.match(/[\s\S]{1,6}/g)!.map((g) => JSON.stringify(g)).join(' + '),
  'character codes': (s) => `String.fromCharCode(${[...s].map((c) => c.charCodeAt(0)).join(', ')})`,
  'octal character codes': (s) => [...s].map((c) => c.charCodeAt(0).toString(8)).join(' '),
  "a hex dump's bytes": (s) => [...Buffer.from(s)].map((b) => b.toString(16).padStart(2, '0')).join(' '),
  'every character written twice': (s) => s.replace(/[\s\S]/g, (c) => c + c),
  'a dash between characters': (s) => [...s].join('-'),
  'spelt with " - "': (s) => [...s].join(' - '),
  'markup between characters': (s) => [...s].map((c) => `<b>${c}</b>`).join(''),
  'lower-case armour': (s) => s.replace(/-----[A-Z ]+-----/g, (l) => l.toLowerCase()),
  // Dressed as code, which the detectors now leave alone when every name in it is made of words (checks.ts
  // codeReference): on an import line, glued to a call and an index.
  'dressed as code': (s) => `from os import path, ${s}(0)[1]`,
};

type Json = Record<string, unknown>;

/** Every object and every string-valued slot of a body, as paths from the root. */
function slots(body: unknown, path: Array<string | number> = [], out: { objects: Array<Array<string | number>>; strings: Array<Array<string | number>> } = { objects: [], strings: [] }) {
  if (typeof body === 'string') out.strings.push(path);
  else if (Array.isArray(body)) body.forEach((v, i) => slots(v, [...path, i], out));
  else if (body !== null && typeof body === 'object') {
    out.objects.push(path);
    for (const [k, v] of Object.entries(body)) slots(v, [...path, k], out);
  }
  return out;
}

function at(body: unknown, path: Array<string | number>): Json {
  return path.reduce<unknown>((v, k) => (v as Json)[k as string], body) as Json;
}

type Where = 'append to a value' | 'new field' | 'object key';
function insert(base: Json, where: Where, pick: number, text: string): Json {
  const body = structuredClone(base);
  const { objects, strings } = slots(body);
  // model is the route, not content; leave it alone so the call reaches a provider.
  const values = strings.filter((p) => !(p.length === 1 && p[0] === 'model'));
  if (where === 'append to a value' && values.length > 0) {
    const path = values[pick % values.length];
    const parent = at(body, path.slice(0, -1));
    parent[path[path.length - 1] as string] = `${parent[path[path.length - 1] as string]} ${text}`;
  } else {
    const obj = at(body, objects[pick % objects.length]);
    if (where === 'object key') obj[text] = 'x';
    else obj.extra_note = text;
  }
  return body;
}

t.test('a secret at a random place, in a random disguise, never reaches the provider', async (t) => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...placements),
      fc.constantFrom(...Object.keys(secrets)),
      fc.constantFrom(...Object.keys(disguises)),
      fc.constantFrom<Where>('append to a value', 'new field', 'object key'),
      fc.nat(),
      async (placement, secretKind, disguise, where, pick) => {
        const base = placement.body('hello');
        const clean = await send(gw, placement.endpoint, insert(base, where, pick, 'nothing to see here'));
        fc.pre(clean.status === 200);
        const hidden = disguises[disguise](secrets[secretKind]());
        const r = await send(gw, placement.endpoint, insert(base, where, pick, hidden));
        runs++;
        return r.received === '' && r.status === 403;
      },
    ),
    { numRuns: Number(process.env.EGRESS_PROPERTY_RUNS ?? 60), interruptAfterTimeLimit: 90_000 },
  );
  t.ok(runs > 20, `${runs} insertions checked at the stand-in provider`);
});

// Ciphers an insider tries after ROT13, written here apart from the classifier's own: any Caesar shift,
// ROT47, Atbash, on the formats with a fixed prefix (the readers find those by the prefix, shifted or signed).
const shifted = (n: number) => (s: string) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - (c <= 'Z' ? 65 : 97) + n) % 26) + (c <= 'Z' ? 65 : 97)));
const ciphers: Record<string, (s: string) => string> = {
  ...Object.fromEntries([1, 3, 7, 12, 19, 25].map((n) => [`Caesar shift ${n}`, shifted(n)])),
  ROT47: (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(33 + ((c.charCodeAt(0) - 33 + 47) % 94))),
  Atbash: (s) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode((c <= 'Z' ? 155 : 219) - c.charCodeAt(0))),
};

/**
 * A prefixed key put through `turn` (a named transformation drawn at random), at a random place of a random
 * endpoint's body, never reaches the stand-in provider; harmless words so turned at the same place do.
 */
async function turnedKeysNeverReach(t: Test, turn: fc.Arbitrary<[string, (s: string) => string]>, wheres: Where[]): Promise<void> {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...placements),
      fc.constantFrom('AWS access key', 'GitHub token', 'OpenAI key'),
      turn,
      fc.constantFrom<Where>(...wheres),
      fc.nat(),
      async (placement, secretKind, [, hide], where, pick) => {
        const base = placement.body('hello');
        const clean = await send(gw, placement.endpoint, insert(base, where, pick, hide('nothing to see here')));
        fc.pre(clean.status === 200);
        const r = await send(gw, placement.endpoint, insert(base, where, pick, hide(secrets[secretKind]())));
        runs++;
        return r.received === '' && r.status === 403;
      },
    ),
    { numRuns: Number(process.env.EGRESS_PROPERTY_RUNS ?? 60), interruptAfterTimeLimit: 90_000 },
  );
  t.ok(runs > 20, `${runs} insertions checked at the stand-in provider`);
}

t.test('a prefixed key under a cipher, at a random place, never reaches the provider', (t) => turnedKeysNeverReach(t, fc.constantFrom(...Object.entries(ciphers)), ['append to a value', 'new field', 'object key']));

// The same ciphers over a key first disguised as the other readers undo (spelt out, in groups, homoglyphs,
// invisible characters): the cipher, applied last, hides every sign those readers look for.
const HOMOGLYPH: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х' };
const underneath: Record<string, (s: string) => string> = {
  'spelt with spaces': (s) => [...s].join(' '),
  'spelt with " | "': (s) => [...s].join(' | '),
  'groups of four with dashes': (s) => s.match(/.{1,4}/g)!.join('-'),
  'groups of five with spaces': (s) => s.match(/.{1,5}/g)!.join(' '),
  homoglyphs: (s) => s.replace(/[A-Za-z]/g, (c) => HOMOGLYPH[c] ?? c),
  'zero-width spaces': (s) => [...s].join('\u200b'),
};

t.test('a prefixed key disguised, then put under a cipher, at a random place, never reaches the provider', (t) =>
  turnedKeysNeverReach(
    t,
    fc.tuple(fc.constantFrom(...Object.keys(underneath)), fc.constantFrom(...Object.keys(ciphers))).map(([disguise, cipher]): [string, (s: string) => string] => [`${disguise}, then ${cipher}`, (s) => ciphers[cipher](underneath[disguise](s))]),
    ['append to a value', 'new field'],
  ),
);

// A prefix written apart from its body (prefix-apart.ts), as an insider tries after `ghp_ a1B2…`: a sentence
// between, and the body grouped with one separator. Harmless words get the same sentence before them.
const PREFIXED = /^(AKIA|ghp_|sk-proj-)([\s\S]*)$/;
const gapsApart = [' (The rest follows below, copy it carefully) ', ' — step 2 — ', ' and then, after a short pause, the rest of it: '];
const groupings: Record<string, (body: string) => string> = {
  whole: (b) => b,
  'groups of six with spaces': (b) => b.match(/.{1,6}/g)!.join(' '),
  'groups of four with " | "': (b) => b.match(/.{1,4}/g)!.join(' | '),
  'halves apart by " ... "': (b) => `${b.slice(0, b.length >> 1)} ... ${b.slice(b.length >> 1)}`,
};

t.test('a prefixed key with its prefix apart from its body by a sentence, the body grouped, never reaches the provider', (t) =>
  turnedKeysNeverReach(
    t,
    fc.tuple(fc.constantFrom(...gapsApart), fc.constantFrom(...Object.keys(groupings))).map(([gap, grouping]): [string, (s: string) => string] => [
      `${JSON.stringify(gap)}, ${grouping}`,
      (s) => {
        const m = PREFIXED.exec(s);
        return m ? `${m[1]}${gap}${groupings[grouping](m[2])}` : `${gap}${s}`;
      },
    ]),
    ['append to a value', 'new field'],
  ),
);
