import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { speeches as sotu } from '../mock-upstream/corpus.js';
import { createOutputMarker } from './marker.js';
import { decodePayload, encodePayload, MAGIC, PAYLOAD_BYTES } from '../watermark/payload.js';
import { bytesToSelectors, selectorRuns } from '../watermark/variation-selectors.js';
import { readWatermarks, stripInvisible } from './watermark-reader.js';

const key = { keyId: 'a1b2c3d4e5f60718', macSecret: randomBytes(32) };
const prose = sotu({ year: 2009 })[0].text.slice(0, 3000);

t.test('payload round-trips through variation selectors', async (t) => {
  const decisionId = randomUUID();
  const bytes = encodePayload({ decisionId, licenceClass: 'not-for-competing-models', trainable: false }, key);
  t.equal(bytes.length, PAYLOAD_BYTES);
  const runs = selectorRuns(`word${bytesToSelectors(bytes)} next`);
  t.equal(runs.length, 1);
  t.same(Array.from(runs[0]), Array.from(bytes));
  const p = decodePayload(runs[0], key);
  t.equal(p.genuine, true);
  t.equal(p.decisionRef, decisionId);
  t.equal(p.licenceClass, 'not-for-competing-models');
  t.equal(p.trainable, false);

  const other = decodePayload(encodePayload({ decisionId: 'call-42', licenceClass: 'yes', trainable: true }, key), key);
  t.equal(other.genuine, true);
  t.equal(other.hashedRef, true, 'a non-UUID id travels as its hash');
  t.equal(other.trainable, true);
});

t.test('a marked text carries genuine marks, repeated, and strips back to the original', async (t) => {
  const decisionId = randomUUID();
  const marked = createOutputMarker({ decisionId, licenceClass: 'yes', trainable: true }, key, 30).markText(prose);
  t.equal(stripInvisible(marked), prose, 'only invisible characters were added');
  const reading = readWatermarks(marked, key);
  t.ok(reading.genuine.length >= Math.floor(prose.split(/\s+/).length / 31), `repeated: ${reading.genuine.length} marks`);
  t.equal(reading.forged.length, 0);
  t.ok(reading.genuine.every((p) => p.decisionRef === decisionId && p.trainable));
  // Every mark sits after a word and before a space.
  const selectors = /(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g;
  for (const m of marked.matchAll(selectors)) {
    t.match(marked[m.index - 1], /\S/);
    t.equal(marked[m.index + m[0].length], ' ');
  }
});

t.test('altered or foreign marks are reported forged, never genuine', async (t) => {
  const decisionId = randomUUID();
  const marked = createOutputMarker({ decisionId, licenceClass: 'never', trainable: false }, key).markText(prose);
  // Flip the trainable bit of the first mark (header byte, 3rd selector of the payload).
  const first = selectorRuns(marked)[0];
  const flipped = Uint8Array.from(first);
  flipped[2] |= 1;
  const tampered = marked.replace(bytesToSelectors(first), bytesToSelectors(flipped));
  t.not(tampered, marked);
  const reading = readWatermarks(tampered, key);
  t.equal(reading.forged.length, 1);
  t.ok(reading.forged.every((p) => !p.genuine));
  t.ok(reading.genuine.every((p) => p.trainable === false), 'the surviving genuine marks keep their claim');

  const foreignKey = { keyId: key.keyId, macSecret: randomBytes(32) };
  const foreign = createOutputMarker({ decisionId, licenceClass: 'yes', trainable: true }, foreignKey).markText(prose);
  const r2 = readWatermarks(foreign, key);
  t.equal(r2.genuine.length, 0);
  t.ok(r2.forged.length > 0);

  const invented = new Uint8Array(PAYLOAD_BYTES);
  invented.set(MAGIC);
  t.equal(readWatermarks(`a${bytesToSelectors(invented)} b`, key).forged.length, 1);
  t.equal(readWatermarks(`a${bytesToSelectors(invented.subarray(0, 20))} b`, key).forged.length, 0, 'a cut-off mark is no claim');
  t.equal(readWatermarks('Great job 👍\uFE0F today', key).forged.length, 0, 'an emoji selector is not a mark');
});

t.test('streamed deltas and the whole text carry the same marks byte for byte', async (t) => {
  const text = `${prose.slice(0, 700)}\n\nHere is code:\n\n\`\`\`ts\nconst x = 1; // spaces inside code\nfunction f(a, b) { return a + b }\n\`\`\`\n\nThen \`inline code with spaces\` and more ${prose.slice(700, 1400)}\n\n- a list item with several words in it\n1. numbered item words\n> quoted words here and there`;
  const marker = createOutputMarker({ decisionId: randomUUID(), licenceClass: 'yes', trainable: true }, key, 12);
  const whole = marker.markText(text);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let round = 0; round < 20; round++) {
    const s = marker.stream();
    let out = '';
    let heldBack = 0;
    for (let i = 0; i < text.length; ) {
      const n = 1 + Math.floor(rand() * (round % 2 ? 3 : 40));
      const delta = text.slice(i, i + n);
      const emitted = s.push(delta);
      if (stripInvisible(emitted) !== delta) heldBack++;
      out += emitted;
      i += n;
    }
    t.equal(heldBack, 0, `round ${round}: every delta passes through at once`);
    t.equal(out, whole, `round ${round}: same bytes as the whole text`);
  }
});

t.test('code fences, inline code and Markdown syntax stay untouched', async (t) => {
  const code = 'const words = "many words inside code that would otherwise get a mark";';
  const text = [
    'Intro words before the code block so that the counter runs along nicely here.',
    '```js',
    ...Array.from({ length: 6 }, () => code),
    '```',
    '~~~',
    code,
    '~~~',
    'Some prose then `inline code spanning a number of words in a row here` and prose again after it.',
    '    indented code line with many words that must stay exactly the same',
    '# Heading words',
    '- list item',
    '1. numbered item',
  ].join('\n');
  const marked = createOutputMarker({ decisionId: randomUUID(), licenceClass: 'yes', trainable: true }, key, 1).markText(text);
  t.ok(readWatermarks(marked, key).genuine.length > 0, 'prose is marked');
  const markedLines = marked.split('\n');
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```') || line.startsWith('~~~') || line === code || line.startsWith('    ')) t.equal(markedLines[i], line, `line ${i} untouched`);
  });
  t.match(marked, '`inline code spanning a number of words in a row here`');
  t.match(marked, /^# Heading/m);
  t.match(marked, /^- list/m);
  t.match(marked, /^1\. numbered/m);
});

t.test('removeMarks restores a marked text byte for byte and keeps other selectors', async (t) => {
  const { removeMarks } = await import('../watermark/variation-selectors.js');
  const fc = (await import('fast-check')).default;
  const marker = createOutputMarker({ decisionId: randomUUID(), licenceClass: 'yes', trainable: true }, key);
  fc.assert(
    fc.property(fc.array(fc.constantFrom('word', 'the', 'sea', '👍\uFE0F', 'x\uFE0E', '\n', '`code`', 'rivers,'), { maxLength: 80 }), (parts) => {
      const text = parts.join(' ');
      return removeMarks(marker.markText(text), MAGIC, PAYLOAD_BYTES) === text;
    }),
    { numRuns: 300 },
  );
  t.equal(removeMarks(marker.markText(prose), MAGIC, PAYLOAD_BYTES), prose);
});
