import t from 'tap';
import fc from 'fast-check';
import anyAscii from 'any-ascii';
import { lexicon } from './lexicon.js';
import { plainReadings, reverseWords, STOP_WORDS } from './readings.js';
import { atbash, caesar, keysLeft, keysRight, reversed, rot47 } from './substitutions.js';

const prose = 'The keeper of the lighthouse climbed the stairs every evening and lit the lamp so that the ships out on the water could find their way home before the storm.';
const texts = (hidden: string) => plainReadings(hidden).map((r) => r.text);
/** Where each reading places the whole of itself, and every word of it, in the hidden text. */
function placedWithin(hidden: string): boolean {
  return plainReadings(hidden).every((r) => {
    for (const m of r.text.matchAll(/\S+/g)) {
      const [s, e] = r.place(m.index, m.index + m[0].length);
      if (!(0 <= s && s <= e && e <= hidden.length)) return false;
    }
    return true;
  });
}

// The disguises an insider tries (bench/provenance/rewording.ts has the same for the benchmark).
const SMALL_CAPS: Record<string, string> = { a: 'ᴀ', b: 'ʙ', c: 'ᴄ', d: 'ᴅ', e: 'ᴇ', f: 'ꜰ', g: 'ɢ', h: 'ʜ', i: 'ɪ', j: 'ᴊ', k: 'ᴋ', l: 'ʟ', m: 'ᴍ', n: 'ɴ', o: 'ᴏ', p: 'ᴘ', r: 'ʀ', t: 'ᴛ', u: 'ᴜ', v: 'ᴠ', w: 'ᴡ', y: 'ʏ', z: 'ᴢ' };
const FLIP: Record<string, string> = { a: 'ɐ', b: 'q', c: 'ɔ', d: 'p', e: 'ǝ', f: 'ɟ', g: 'ƃ', h: 'ɥ', i: 'ᴉ', j: 'ɾ', k: 'ʞ', m: 'ɯ', n: 'u', p: 'd', q: 'b', r: 'ɹ', t: 'ʇ', u: 'n', v: 'ʌ', w: 'ʍ', y: 'ʎ', '.': '˙' };
const smallCaps = (s: string) => [...s.toLowerCase()].map((c) => SMALL_CAPS[c] ?? c).join('');
const upsideDown = (s: string) => [...s.toLowerCase()].reverse().map((c) => FLIP[c] ?? c).join('');
const spaced = (s: string) => s.split(' ').map((w) => [...w].join(' ')).join('   ');
const dotted = (s: string) => s.split(' ').map((w) => [...w].join('.')).join(' ');

t.test('ordinary prose has no other reading', async (t) => {
  t.same(plainReadings(prose), []);
  const french = 'Le gardien du phare montait chaque soir les marches et allumait la lampe pour que les navires trouvent leur chemin avant la tempête.';
  t.ok(plainReadings(french).every((r) => r.text !== french), 'prose of another language is not read as itself');
});

t.test('ROT13, other shifts and reversals read back to the prose', async (t) => {
  t.same(texts(caesar(prose, 13)), [prose]);
  t.same(texts(caesar(prose, 3)), [prose]);
  t.same(texts(reversed(prose)), [reverseWords(reversed(prose)), prose]);
  t.ok(texts(reverseWords(prose)).includes(prose));
  t.ok(texts(reversed(caesar(prose, 7))).includes(prose), 'shifted and reversed');
});

t.test('Atbash and ROT47, alone and reversed, read back to the prose', async (t) => {
  t.same(texts(atbash(prose)), [prose]);
  t.same(texts(rot47(prose)), [prose]);
  t.ok(texts(reversed(atbash(prose))).includes(prose));
  t.ok(texts(reversed(rot47(prose))).includes(prose));
});

t.test('letters in another style, upside down, spaced or dotted apart read back to the prose', async (t) => {
  const lower = prose.toLowerCase();
  t.ok(texts(smallCaps(prose)).includes(lower), 'small capitals');
  t.ok(texts(upsideDown(prose)).includes(lower), 'upside down');
  const turnedInPlace = [...prose.toLowerCase()].map((c) => (FLIP[c] && FLIP[c].charCodeAt(0) > 127 ? FLIP[c] : c)).join('');
  t.ok(texts(turnedInPlace).includes(prose.toLowerCase()), 'turned letters left in place');
  t.ok(texts(spaced(prose)).includes(prose), 'letters spaced, words apart by a wider gap');
  t.ok(texts(dotted(prose)).includes(prose), 'letters dotted');
  t.ok(texts(spaced(caesar(prose, 13))).includes(prose), 'spaced and ROT13');
  t.same(plainReadings(spaced(prose).replaceAll('   ', ' ')).length > 0, true, 'letters all one space apart are joined (into one run: no words to find, no claim)');
});

t.test('a reading places each of its words inside the hidden text, at the word it came from', async (t) => {
  const hidden = smallCaps(prose);
  const [r] = plainReadings(hidden);
  const at = r.text.indexOf('lighthouse');
  const [s, e] = r.place(at, at + 'lighthouse'.length);
  t.equal(anyAscii(hidden.slice(s, e)), 'lighthouse');
  const d = dotted(prose);
  const [j] = plainReadings(d);
  const k = j.text.indexOf('lighthouse');
  t.equal(d.slice(...j.place(k, k + 'lighthouse'.length)), 'l.i.g.h.t.h.o.u.s.e');
  const m = reversed(rot47(prose));
  const mirrored = plainReadings(m).find((x) => x.text === prose)!;
  const w = prose.indexOf('keeper');
  t.equal(rot47(reversed(m.slice(...mirrored.place(w, w + 6)))), 'keeper');
});

const stop = [...STOP_WORDS].filter((w) => /^[a-z]{2,}$/.test(w));
// English words: a reading of few English words is taken for chance.
const english = [...lexicon().rank.keys()].filter((w) => /^[a-z]{3,9}$/.test(w) && !STOP_WORDS.has(w)).slice(0, 5000);
const content = fc.constantFrom(...english);
const sentence = fc.array(fc.oneof(fc.constantFrom(...stop), content), { minLength: 20, maxLength: 80 }).filter((ws) => ws.filter((w) => STOP_WORDS.has(w)).length >= ws.length * 0.45);

t.test('property: any shift or reversal of stop-word-rich text reads back to it', async (t) => {
  fc.assert(
    fc.property(sentence, fc.integer({ min: 1, max: 25 }), fc.boolean(), (ws, shift, reverse) => {
      const text = ws.join(' ');
      const hidden = reverse ? reversed(caesar(text, shift)) : caesar(text, shift);
      return plainReadings(hidden).some((r) => r.text === text);
    }),
    { numRuns: 200 },
  );
});

t.test('ROT47 and a shift are not mistaken for each other', async (t) => {
  // Found by the property below (seed -1232918811): "about" is "23@FE" under ROT47, and FE shifted by 9 is "on".
  const text = 'us aaa aaa aaa aaa thereupon about with anybody aaa aaa about about aaa about aaa about aaa aaa about';
  t.same(texts(rot47(text)), [text]);
  // And the other way (a draw of the shift property, 1 in 5,000 before): a shift of letters is not read as ROT47.
  const letters = 'nrqcsd he taken imhfyogkg lozhoc lrql vtllg were yoxmhexc xjls had quwi anyone whether qcozw may ayf except they only vfz actually';
  t.same(texts(caesar(letters, 15)), [letters]);
});

t.test('property: each disguise of stop-word-rich text reads back to it, every reading placed within the hidden text', async (t) => {
  const disguises: Record<string, (s: string) => string> = { atbash, rot47, smallCaps, upsideDown, spaced, dotted, 'atbash reversed': (s) => reversed(atbash(s)) };
  fc.assert(
    fc.property(sentence, fc.constantFrom(...Object.keys(disguises)), (ws, name) => {
      const text = ws.join(' ');
      const hidden = disguises[name](text);
      return plainReadings(hidden).some((r) => r.text === text) && placedWithin(hidden);
    }),
    { numRuns: 300 },
  );
});

t.test('property: readings of any text are placed within it', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (s) => placedWithin(s)), { numRuns: 500 });
  fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', ' ', '  ', '.', 'ᴛ', 'ɥ', 'x.y', '!'), { maxLength: 200 }), (parts) => placedWithin(parts.join(' '))), { numRuns: 500 });
});

const story = `${prose} He had done it for thirty years and never once missed a night, not even the winter his wife was ill and the doctor came by boat.`;
const pig = (s: string) => s.replace(/[A-Za-z]+/g, (w) => { const m = /^[^aeiouAEIOU]+/.exec(w)?.[0] ?? ''; return m === '' ? `${w}way` : w.slice(m.length) + m.toLowerCase() + 'ay'; });
/** Words of a reading that are words of the story: how much of it came back. */
function recovered(hidden: string, of = story): number {
  const want = of.toLowerCase().match(/[a-z]+/g)!;
  const got = new Set(plainReadings(hidden).flatMap((r) => r.text.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().match(/[a-z]+/g) ?? []));
  return want.filter((w) => got.has(w)).length / want.length;
}

t.test('one disguise over another is read through both (a letter style or ROT47 over a cipher or a game)', async (t) => {
  t.ok(recovered(smallCaps(caesar(story, 13))) > 0.95, 'small capitals after ROT13');
  t.ok(recovered(upsideDown(atbash(story))) > 0.95, 'turned upside down after Atbash');
  t.ok(recovered(rot47(pig(story))) > 0.9, 'pig Latin, then ROT47');
  t.ok(recovered(rot47(dotted(story))) > 0.95, 'letters dotted apart, then ROT47');
  t.ok(recovered(reversed(pig(story))) > 0.9, 'pig Latin, then reversed');
  t.ok(recovered(reversed(story.replace(/[^A-Za-z]+/g, ''))) > 0.9, 'words run together, then reversed');
  const joined = story.split(' ').reduce((out, w, i) => out + (i % 3 === 0 ? ` ${w}` : w[0].toUpperCase() + w.slice(1)), '');
  t.ok(recovered(caesar(joined, 13)) > 0.95, 'camelCase joins, then ROT13');
  t.ok(recovered(reversed(caesar(joined, 5))) > 0.95, 'camelCase joins, shifted, reversed');
  t.same(plainReadings(story), [], 'the story alone has no other reading');
});

t.test('pig Latin played over a cipher or a reversal (its `ay` as written) is read through both', async (t) => {
  t.ok(recovered(pig(caesar(story, 13))) > 0.9, 'ROT13, then pig Latin');
  t.ok(recovered(pig(caesar(story, 7))) > 0.9, 'a shift of 7, then pig Latin');
  t.ok(recovered(pig(atbash(story))) > 0.9, 'Atbash, then pig Latin');
  t.ok(recovered(pig(reversed(story))) > 0.9, 'reversed, then pig Latin');
  t.ok(recovered(pig(reverseWords(story))) > 0.9, "each word's letters reversed, then pig Latin");
  t.ok(recovered(pig(story)) > 0.9, 'pig Latin alone, as before');
});

t.test('words joined by hyphens (a slug) and letters written twice read back to the prose, alone, under a cipher and after plain text', async (t) => {
  const kebab = (s: string) => s.split(' ').join('-');
  const doubled = (s: string) => s.replace(/[A-Za-z]/g, (c) => c + c);
  t.ok(recovered(kebab(story)) > 0.95, 'words joined by hyphens');
  t.ok(recovered(doubled(story)) > 0.95, 'every letter written twice');
  t.ok(recovered(caesar(kebab(story), 13)) > 0.95, 'joined by hyphens, then ROT13');
  t.ok(recovered(doubled(caesar(story, 13))) > 0.95, 'ROT13, then every letter written twice');
  t.ok(recovered(reversed(doubled(story))) > 0.95, 'every letter written twice, then reversed');
  const plain = Array.from({ length: 14 }, () => prose).join(' ');
  t.ok(recovered(`${plain}\n\n${kebab(story)}`) > 0.95, 'plain, then joined by hyphens');
  t.ok(recovered(`${plain}\n\n${doubled(story)}\n\n${plain}`) > 0.95, 'letters written twice between plain');
  // Each word of the reading lies on the word it came from.
  const hidden = doubled(story);
  const r = plainReadings(hidden).find((x) => x.text.includes('doctor'))!;
  const at = r.text.indexOf('doctor');
  t.equal(hidden.slice(...r.place(at, at + 6)), 'ddooccttoorr');
  t.ok(placedWithin(hidden) && placedWithin(kebab(story)));
  // Prose with its compounds and its few double letters is read as it is.
  const compounds = 'The well-known keeper, a twenty-two-year-old son-in-law of the mayor, kept the state-of-the-art lamp lit all night; the coffee was good and the committee agreed to meet again soon.';
  t.same(plainReadings(compounds), [], 'compounds and double letters: no reading');
  t.same(plainReadings(`${story} ${compounds}`), []);
});

t.test('a keyboard shift (each key typed one to the right or left of the one meant) reads back, alone, dressed and after plain text', async (t) => {
  t.same(texts(keysRight(prose)), [prose], 'typed one to the right: every key undone');
  // Typed one to the left, a row's first key stands for itself and the key right of it ("a" for a and s): read by the word.
  t.ok(recovered(keysLeft(story)) > 0.95, 'typed one to the left');
  t.ok(recovered(keysRight(story.toUpperCase())) > 0.95, 'in capitals');
  const plain = Array.from({ length: 14 }, () => prose).join(' ');
  t.ok(recovered(`${plain}\n\n${keysRight(story)}`) > 0.95, 'plain, then shifted');
  t.ok(recovered(keysLeft(story).split(' ').map((w) => `${w} house garden`).join(' ')) > 0.95, 'two English words after every shifted one');
  t.ok(placedWithin(keysLeft(story)) && placedWithin(keysRight(story)));
  // Prose with brackets, semicolons and commas, and prose full of a, s and w, is read as it is.
  t.same(plainReadings('The keeper [who was old] said so; the sailors, wet and weary, saw the lamp and were saved as a storm was passing away.'), []);
});

t.test('plain text before, after or around a disguised part does not hide it: a text is read a part at a time', async (t) => {
  const plain = Array.from({ length: 14 }, () => prose).join(' ');
  t.ok(plain.split(' ').length > 400);
  t.ok(recovered(`${plain}\n\n${caesar(story, 13)}`) > 0.95, 'plain, then ROT13');
  t.ok(recovered(`${plain}\n\n${caesar(story, 13)}\n\n${plain}`) > 0.95, 'ROT13 between plain');
  t.ok(recovered(`${plain} ${rot47(pig(story))}`) > 0.9, 'plain, then two disguises');
  t.same(plainReadings(`${plain} ${story} ${plain}`), [], 'plain throughout: no reading');
  // Each word of the reading lies on the word it came from, in the hidden part.
  const hidden = `${plain}\n\n${caesar(story, 13)}`;
  const [r] = plainReadings(hidden);
  const at = r.text.indexOf('doctor');
  t.equal(caesar(hidden.slice(...r.place(at, at + 6)), 13), 'doctor');
  t.ok(placedWithin(hidden));
});

t.test('stop words put between a cipher\'s words do not make it read as plain', async (t) => {
  const stops = ['the', 'of', 'and', 'to', 'in', 'is', 'that', 'it'];
  const dressed = caesar(story, 13).split(' ').map((w, i) => `${w} ${stops[i % stops.length]}`).join(' ');
  t.ok(recovered(dressed) > 0.95);
  const every2 = caesar(story, 7).split(' ').map((w, i) => (i % 2 ? `${w} ${stops[i % stops.length]}` : w)).join(' ');
  t.ok(recovered(every2) > 0.95);
});

t.test('English words put between a cipher\'s or a game\'s words do not make it read as plain, and are left out of its reading', async (t) => {
  const words = ['time', 'people', 'house', 'water', 'little', 'world', 'place', 'market'];
  const stops = ['the', 'of', 'and', 'to'];
  const dress = (hidden: string) => hidden.split(' ').map((w, i) => `${w} ${words[i % words.length]} ${stops[i % stops.length]} ${words[(i * 3) % words.length]}`).join(' ');
  for (const [name, hidden] of [['ROT13', caesar(story, 13)], ['Atbash', atbash(story)], ['pig Latin', pig(story)]]) {
    const dressed = dress(hidden);
    t.ok(recovered(dressed) > 0.9, `${name}: read`);
    const [r] = plainReadings(dressed);
    t.notOk(/\b(time|people|house|market)\b/.test(r.text), `${name}: the dressing left out`);
  }
  t.same(plainReadings(`${story} ${story}`), [], 'English throughout: no reading');
});

t.test('property: a disguised text of two parts or more (720 characters) after any length of plain prose reads back to its end', async (t) => {
  const disguises: Record<string, (s: string) => string> = { rot13: (s) => caesar(s, 13), atbash, rot47, smallCaps, 'rot47 of dotted': (s) => rot47(dotted(s)) };
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), sentence, fc.constantFrom(...Object.keys(disguises)), (n, ws, name) => {
      let text = ws.join(' ');
      while (text.length < 800) text += ` ${ws.join(' ')}`;
      const hidden = `${Array.from({ length: n }, () => prose).join(' ')} ${disguises[name](text)}`;
      const end = ws.slice(-6).join(' ');
      return plainReadings(hidden).some((r) => r.text.toLowerCase().includes(end)) && placedWithin(hidden);
    }),
    { numRuns: 150 },
  );
});
