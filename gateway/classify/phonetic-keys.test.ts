// A key read aloud, spelt out in the ICAO spelling alphabet, digit names and sign names (phonetic-keys.ts),
// through the whole scan; the alphabet recited, radio calls and prose with its words stay clean.
import t from 'tap';
import fc from 'fast-check';
import { scanBody } from './body.js';
import { spokenAloud } from '../../test/egress/scrambles.js';

const secretsIn = (text: string) => scanBody({ messages: [{ role: 'user', content: text }] }, { decodedBytes: 1 << 20 }).findings.filter((f) => f.dataClass.startsWith('secret.'));
const keys: Record<string, string> = {
  aws: 'AKIAQ2W3E4R5T6Y7U8I2',
  github: 'ghp_a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8',
  openai: 'sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY',
  stripe: 'sk_live_Ab3dE5fG7hJ9kL1mN3pQ5rS7',
  google: 'AIzaSyB1xQ2c9ZpK8mLrT5vWn3Y0dFgHjK4lOeU',
  slack: 'xoxb-123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx',
};

t.test('a key spelt out in the spelling alphabet is found, said with or without its capitals, and placed on its words', async (t) => {
  for (const [kind, key] of Object.entries(keys)) {
    for (const sep of [' ', ', ', ' then ', '-', '\n', ' . ']) {
      for (const cased of [false, true]) {
        const words = spokenAloud(key, sep, cased);
        const text = `here it is: ${words}. thanks`;
        const found = secretsIn(text);
        t.ok(found.length > 0, `${kind}, ${JSON.stringify(sep)}, ${cased ? 'capitals said' : 'no case'}`);
        if (found.length > 0) t.same([found[0].spans[0].start, found[0].spans[0].end], [12, 12 + words.length], `${kind}: placed`);
      }
    }
  }
});

t.test('double and triple say a character two and three times over, as on the radio', async (t) => {
  const doubled = spokenAloud('AKIAQ2W3E4R5T6Y77U8I', ' ', true).replace('seven seven', 'double seven');
  t.ok(secretsIn(`ok: ${doubled} bye`).length > 0, doubled);
  const tripled = spokenAloud('AKIAQ2W3E4R5T6Y777U8', ' ', true).replace('seven seven seven', 'triple seven');
  t.ok(secretsIn(`ok: ${tripled} bye`).length > 0, tripled);
});

// A letter spelt by a word of one's own: `A as in apple`, `K for king` (digits and signs as above).
const OWN_WORDS: Record<string, string> = { a: 'apple', b: 'boy', c: 'cat', d: 'dog', e: 'egg', f: 'fox', g: 'girl', h: 'house', i: 'ice', j: 'jam', k: 'king', l: 'lemon', m: 'mouse', n: 'nose', o: 'orange', p: 'pig', q: 'queen', r: 'red', s: 'sun', t: 'tree', u: 'umbrella', v: 'van', w: 'water', x: 'xylophone', y: 'yellow', z: 'zebra' };
const ownWords = (key: string, link: string, sep: string) => [...key].map((c) => (/[A-Za-z]/.test(c) ? `${c} ${link} ${OWN_WORDS[c.toLowerCase()]}` : /[0-9]/.test(c) ? c : spokenAloud(c))).join(sep);

t.test('a key spelt letter by letter with words of one\'s own (A as in apple, K for king) is found', async (t) => {
  for (const [kind, key] of Object.entries(keys)) {
    for (const link of ['as in', 'for']) {
      for (const sep of [', ', ' then ', '; ']) t.ok(secretsIn(`the key: ${ownWords(key, link, sep)}. ok`).length > 0, `${kind}, ${link}, ${JSON.stringify(sep)}`);
    }
  }
  for (const text of [
    'Spell it: C as in cat, A as in apple, T as in tree; then D as in dog, O as in orange, G as in girl, and so on for the class.',
    'for (const a of b) for (const c of d) for (const e of f) for (const g of h) for (const i of j) for (const k of l) x++;',
    'We thank A for all, B for help, C for tea, D for time, E for care, F for food, G for joy, H for rest and I for love.',
  ]) t.same(secretsIn(text), [], text.slice(0, 50));
});

t.test('x-ray and x ray are one letter; a letter or digit written as itself among the words is read too', async (t) => {
  t.ok(secretsIn(`golf hotel papa underscore x-ray 1 B 2 ${spokenAloud('c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8a1', ' ', false)}`).length > 0, 'digits and a capital written as themselves');
  t.ok(secretsIn(spokenAloud('ghp_x1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8', ' ', false).replace('x-ray', 'x ray')).length > 0, 'x ray');
});

t.test('property: a random key of a prefixed format said aloud, words between its characters, is found', async (t) => {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const body = (n: number) => fc.array(fc.integer({ min: 0, max: 61 }), { minLength: n, maxLength: n }).map((xs) => xs.map((x) => alnum[x]).join(''));
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const key = fc.oneof(
    body(36).map((b) => `ghp_${b.slice(0, 33)}q7Z`),
    body(40).map((b) => `sk-proj-${b.slice(0, 37)}q7Z`),
    fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 16, maxLength: 16 }).map((xs) => 'AKIA' + xs.map((x) => upper[x]).join('')),
  );
  fc.assert(fc.property(key, fc.constantFrom(' ', ', ', ' then ', ' and ', '; '), fc.boolean(), (k, sep, cased) => secretsIn(`ok: ${spokenAloud(k, sep, cased)} bye`).length > 0), { numRuns: 150 });
});

t.test('the alphabet recited, radio calls, digits said and prose with its words stay clean', async (t) => {
  for (const text of [
    'The NATO alphabet: alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey x-ray yankee zulu.',
    'Tower, November two three four five Sierra, ready for departure runway two seven, information Charlie, squawk seven seven zero zero.',
    'Call me on five five five, one two three, four five six seven, then press one two three four five six seven eight nine zero.',
    'Oscar and Charlie met at the Hotel India in Lima; Mike played golf with Victor, Romeo and Juliet watched from the delta.',
    'sierra kilo dash papa romeo oscar juliett dash is how the prefix is said, and no key follows it here at all, none',
  ]) t.same(secretsIn(text), [], text.slice(0, 60));
});

t.test('a key read aloud and cut across turns, a turn between or not, is found on both; turns of the alphabet alone stay clean', async (t) => {
  const bodyOf = (...contents: Array<[string, string]>) => ({ messages: contents.map(([role, content]) => ({ role, content })) });
  const found = (body: object) => scanBody(body as Record<string, unknown>, { decodedBytes: 1 << 20 }).findings.filter((f) => f.dataClass.startsWith('secret.'));
  for (const [kind, key] of Object.entries(keys)) {
    const words = spokenAloud(key, ', ', true).split(', ');
    const [a, b] = [words.slice(0, words.length >> 1).join(', '), words.slice(words.length >> 1).join(', ')];
    const split = found(bodyOf(['user', `first part: ${a}`], ['user', `${b} and that is all`]));
    t.ok(split.some((f) => f.spans.length === 2), `${kind}: two turns, on both`);
    t.ok(found(bodyOf(['user', a], ['assistant', 'ok, go on'], ['user', b])).length > 0, `${kind}: an assistant turn between`);
  }
  t.same(found(bodyOf(['user', 'alpha bravo charlie delta echo foxtrot golf hotel'], ['assistant', 'india juliett kilo lima mike november oscar papa'], ['user', 'quebec romeo sierra tango uniform victor whiskey x-ray yankee zulu'])), [], 'the alphabet over three turns');
});
