import t from 'tap';
import fc from 'fast-check';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speeches as sotu } from '../mock-upstream/corpus.js';
import { createProvenance, type Provenance } from './provenance.js';
import { stripInvisible } from './watermark-reader.js';
import { selectorRunsAt, bytesToSelectors } from '../watermark/variation-selectors.js';

const key = { keyId: '0f1e2d3c4b5a6978', macSecret: randomBytes(32) };
// The corpus's thirteen addresses: served outputs come from the first eight, human text from the last four.
const speeches = sotu().map((s) => s.text.split(/\s+/));
const passage = (speech: number, at: number, n = 120) => speeches[speech].slice(at, at + n).join(' ');

interface Served {
  id: string;
  marked: string;
  trainable: boolean;
}

let p: Provenance;
const restricted: Served[] = [];
const permitted: Served[] = [];
const human = Array.from({ length: 12 }, (_, i) => passage(9 + (i % 4), 300 + 150 * i, 90));

t.before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'spans-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  p = await createProvenance({ dataDir, keys: key });
  for (let i = 0; i < 24; i++) {
    const trainable = i % 2 === 1;
    const id = randomUUID();
    const text = passage(i % 8, 200 + 130 * Math.floor(i / 2));
    const marked = p.marker({ decisionId: id, licenceClass: trainable ? 'yes' : 'not-for-competing-models', trainable }).markText(text);
    p.remember({ decisionId: id, text: marked, licence: trainable ? 'apache-2.0' : 'openai-terms', trainable, time: '2026-12-01T00:00:00Z' });
    (trainable ? permitted : restricted).push({ id, marked, trainable });
  }
  const shortId = randomUUID();
  const short = p.marker({ decisionId: shortId, licenceClass: 'yes', trainable: true }).markText('Paris is the capital of France, on the Seine.');
  p.remember({ decisionId: shortId, text: short, licence: 'apache-2.0', trainable: true, time: '2026-12-01T00:00:00Z' });
  permitted.push({ id: shortId, marked: short, trainable: true });
  await p.flush();
});
t.teardown(() => p.close());

/** One complete mark (a selector run) cut from a marked text. */
function firstMark(marked: string): string {
  const run = selectorRunsAt(marked)[0];
  return marked.slice(run.start, run.end);
}

function insertAfterWord(text: string, word: number, insert: string): string {
  const words = text.split(' ');
  words[Math.min(word, words.length - 1)] += insert;
  return words.join(' ');
}

const HOMOGLYPHS: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', i: 'і', A: 'А', E: 'Е', O: 'О', T: 'Т' };
const homoglyphs = (text: string, every: number) =>
  text
    .split(' ')
    .map((w, i) => (i % every === 0 ? [...w].map((c) => HOMOGLYPHS[c] ?? c).join('') : w))
    .join(' ');
const ignorables = (text: string, every: number, ch = '\u034f') =>
  text
    .split(' ')
    .map((w, i) => (i % every === 0 && w.length > 2 ? w.slice(0, 1) + ch + w.slice(1) : w))
    .join(' ');

t.test('a genuine output, marked or stripped, is one span of its own decision', async (t) => {
  const r = p.detect(permitted[0].marked);
  t.equal(r.restricted, false);
  const traced = r.spans.filter((s) => s.origin !== 'none');
  t.equal(traced.length, 1);
  t.match(traced[0], { origin: 'both', status: 'genuine', decision_id: permitted[0].id, text_matches: true, trainable: true, restricted: false });
  const stripped = p.detect(stripInvisible(restricted[0].marked));
  t.match(stripped.spans.filter((s) => s.origin !== 'none'), [{ origin: 'fingerprint', decision_id: restricted[0].id, restricted: true, text_matches: null }]);
  const short = permitted[permitted.length - 1];
  t.match(p.detect(short.marked), { restricted: false, decision_id: short.id, status: 'genuine' }, 'a short output verifies its own mark');
});

t.test('hole 2: a genuine permitted mark transplanted into stripped restricted text', async (t) => {
  const laundered = insertAfterWord(stripInvisible(restricted[1].marked), 20, firstMark(permitted[1].marked));
  const r = p.detect(laundered);
  t.equal(r.restricted, true);
  t.match(r, { decision_id: restricted[1].id, restricted: true }, 'the record names the restricted origin');
  const mark = r.spans.find((s) => s.origin === 'watermark' || s.origin === 'both');
  t.match(mark, { decision_id: permitted[1].id, status: 'transplanted', text_matches: false, restricted: true });
  t.ok(r.spans.some((s) => s.origin === 'fingerprint' && s.decision_id === restricted[1].id && s.restricted), 'the fingerprint was consulted');
});

t.test('hole 4: unrelated human text carrying one copied mark is not attributed to that decision', async (t) => {
  const r = p.detect(insertAfterWord(human[0], 30, firstMark(permitted[2].marked)));
  t.equal(r.restricted, true);
  t.match(r.spans.find((s) => s.origin !== 'none'), { origin: 'watermark', status: 'transplanted', decision_id: permitted[2].id, text_matches: false });
  t.notOk(r.spans.some((s) => s.status === 'genuine'), 'nothing is reported genuine');
});

t.test('hole 3: a stripped restricted paragraph followed by an untouched permitted output', async (t) => {
  const text = `${stripInvisible(restricted[2].marked)}\n\n${permitted[3].marked}`;
  const r = p.detect(text);
  t.equal(r.restricted, true);
  const split = stripInvisible(restricted[2].marked).length;
  const gpt = r.spans.find((s) => s.decision_id === restricted[2].id)!;
  const qwen = r.spans.find((s) => s.decision_id === permitted[3].id)!;
  t.match(gpt, { origin: 'fingerprint', restricted: true });
  t.match(qwen, { origin: 'both', restricted: false, text_matches: true });
  t.ok(gpt.end <= split + 1 && qwen.start >= split, 'each span covers its own paragraph');
});

t.test('hole 5: homoglyphs and invisible code points inside words do not hide a stripped output', async (t) => {
  const base = stripInvisible(restricted[3].marked);
  for (const [name, text] of Object.entries({
    'Cyrillic homoglyphs in every other word': homoglyphs(base, 2),
    'homoglyphs in every word': homoglyphs(base, 1),
    'U+034F inside every word': ignorables(base, 1),
    'soft hyphens': ignorables(base, 1, '\u00ad'),
    'zero-width joiners': ignorables(base, 1, '\u200d'),
    'tags': ignorables(base, 2, '\u{e0061}'),
    'fullwidth upper case': base.toUpperCase().replace(/[A-Z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)),
  })) {
    t.match(p.detect(text), { restricted: true, decision_id: restricted[3].id }, name);
  }
});

t.test('forged marks and marks of unknown outputs are restricted', async (t) => {
  const forger = await createProvenance({ dataDir: mkdtempSync(join(tmpdir(), 'spans-')), keys: { keyId: key.keyId, macSecret: randomBytes(32) } });
  const forged = forger.marker({ decisionId: permitted[0].id, licenceClass: 'yes', trainable: true }).markText(human[1]);
  await forger.close();
  t.match(p.detect(forged), { restricted: true, status: 'forged' });
  const unknown = p.marker({ decisionId: randomUUID(), licenceClass: 'yes', trainable: true }).markText(human[2]);
  t.match(p.detect(unknown), { restricted: true, status: 'unverified' }, 'a mark the index cannot check is not trusted');
  t.equal(p.detect(human[3]).restricted, false, 'plain unrelated text is not restricted');
  t.equal(p.detect(`emoji 👍${bytesToSelectors(Uint8Array.of(15))} ok`).restricted, false);
});

// Property: however restricted and permitted pieces are interleaved, disguised and re-marked, no
// piece of a restricted output is ever covered only by permitted or untraced spans.
const disguise = fc.constantFrom<(s: string) => string>(
  (s) => s,
  stripInvisible,
  (s) => homoglyphs(stripInvisible(s), 3),
  (s) => ignorables(stripInvisible(s), 2),
  (s) => stripInvisible(s).toUpperCase(),
  (s) => s.normalize('NFKD'),
);
const piece = fc.record({
  kind: fc.constantFrom('restricted', 'permitted', 'human'),
  which: fc.nat(),
  from: fc.double({ min: 0, max: 0.4, noNaN: true }),
  length: fc.double({ min: 0.45, max: 1, noNaN: true }),
  disguise,
  transplant: fc.option(fc.nat(), { nil: undefined }),
});

t.test('property: interleavings, normalisations and transplants never report a restricted piece as permitted', async (t) => {
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n\n', ' ', '\n'), (pieces, glue) => {
      let text = '';
      const restrictedRanges: [number, number][] = [];
      for (const pc of pieces) {
        const pool = pc.kind === 'restricted' ? restricted.map((s) => s.marked) : pc.kind === 'permitted' ? permitted.slice(0, -1).map((s) => s.marked) : human;
        const words = pool[pc.which % pool.length].split(' ');
        const from = Math.floor(pc.from * words.length);
        let chunk = pc.disguise(words.slice(from, from + Math.ceil(pc.length * words.length)).join(' '));
        if (pc.transplant !== undefined) chunk = insertAfterWord(chunk, pc.transplant % 40, firstMark(permitted[pc.transplant % 24 % permitted.length].marked));
        if (text) text += glue;
        if (pc.kind === 'restricted') restrictedRanges.push([text.length, text.length + chunk.length]);
        text += chunk;
      }
      const r = p.detect(text);
      if (restrictedRanges.length > 0 && !r.restricted) return false;
      // Every restricted piece overlaps at least one restricted span.
      return restrictedRanges.every(([a, b]) => r.spans.some((s) => s.restricted && s.start < b && a < s.end));
    }),
    { numRuns: 150 },
  );
});

t.test('a restricted excerpt repeated in one text is traced at every copy, not only the first', async (t) => {
  const words = stripInvisible(restricted[0].marked).split(' ');
  const excerpt = words.slice(0, Math.ceil(words.length * 0.6)).join(' ');
  const text = `${excerpt}\n\n${human[0]}\n\n${excerpt.toUpperCase()}`;
  const second = text.lastIndexOf(excerpt.toUpperCase());
  const r = p.detect(text);
  const traced = r.spans.filter((s) => s.restricted && s.decision_id === restricted[0].id);
  t.ok(traced.some((s) => s.start < excerpt.length), 'the first copy');
  t.ok(traced.some((s) => s.end > second && s.start < text.length), 'and the repeat');
  t.notOk(r.spans.some((s) => s.origin === 'none' && s.start >= second && s.end - s.start > 200), 'no long untraced stretch in the repeat');
});
