import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speeches as sotu } from '../mock-upstream/corpus.js';
import { logPath } from './fingerprint-log.js';
import { fingerprintOf } from './fingerprint.js';
import { fingerprintOffThread, OFF_THREAD_CHARS } from './fingerprint-thread.js';
import { encodeRecord } from './fingerprint-record.js';
import { createProvenance, indexPath, purgeIndex } from './provenance.js';
import { recordRef } from '../watermark/payload.js';
import { stripInvisible } from './watermark-reader.js';
import { readable } from '../text/readable.js';

const key = { keyId: '0f1e2d3c4b5a6978', macSecret: randomBytes(32) };
const speeches = sotu({ range: [1990, 2000] }).map((s) => s.text);
// Outputs: 200-word passages; strangers: passages from other speeches.
const passage = (speech: number, at: number) => speeches[speech].split(/\s+/).slice(at, at + 200).join(' ');
const outputs = Array.from({ length: 40 }, (_, i) => passage(i % 5, 200 * Math.floor(i / 5)));
const strangers = Array.from({ length: 40 }, (_, i) => passage(6 + (i % 4), 250 * Math.floor(i / 4)));

function excerpt(text: string, from: number, fraction: number): string {
  const words = text.split(' ');
  const n = Math.ceil(words.length * fraction);
  return words.slice(Math.floor(from * (words.length - n)), Math.floor(from * (words.length - n)) + n).join(' ');
}

t.test('stripped, normalised, excerpted and edited copies trace back through the fingerprint index', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  const ids = outputs.map((text, i) => {
    const decisionId = randomUUID();
    const trainable = i % 2 === 0;
    const marked = p.marker({ decisionId, licenceClass: trainable ? 'yes' : 'not-for-competing-models', trainable }).markText(text);
    p.remember({ decisionId, text: marked, licence: trainable ? 'mit' : 'openai-terms', trainable, time: '2026-11-28T00:00:00Z' });
    return decisionId;
  });
  await p.flush();
  t.equal(p.size, outputs.length);

  const traced = { stripped: 0, normalised: 0, part: 0, edited: 0 };
  outputs.forEach((text, i) => {
    const stripped = p.detect(stripInvisible(text));
    const normalised = p.detect(text.normalize('NFKC').toUpperCase().replace(/ /g, '\n  '));
    const part = p.detect(excerpt(text, (i % 7) / 7, 0.3));
    const words = text.split(' ');
    const edited = p.detect(words.filter((_, j) => j % 20 !== 3).map((w, j) => (j % 20 === 13 ? 'banana' : w)).join(' '));
    for (const [name, r] of Object.entries({ stripped, normalised, part, edited })) {
      if (r.origin === null) continue;
      t.match(r, { decision_id: ids[i], origin: 'fingerprint', status: 'genuine', restricted: i % 2 === 1, licence: i % 2 === 0 ? 'mit' : 'openai-terms' }, `${name} ${i}`);
      traced[name as keyof typeof traced]++;
    }
  });
  t.equal(traced.stripped, outputs.length, 'every stripped copy traced');
  t.equal(traced.normalised, outputs.length, 'every normalised copy traced');
  // Sampling can miss a short excerpt now and then (the evaluation measures the rate).
  t.ok(traced.part >= outputs.length - 1, `30% excerpts traced: ${traced.part}/${outputs.length}`);
  t.ok(traced.edited >= outputs.length - 1, `edited copies traced: ${traced.edited}/${outputs.length}`);
  const flagged = strangers.filter((s) => p.detect(s).origin !== null);
  t.equal(flagged.length, 0, 'unrelated passages are not traced');
  await p.close();
});

t.test('the index persists on disk, and a reader sees it read-only', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const none = await createProvenance({ dataDir, keys: key, readOnly: true });
  t.equal(none.size, 0, 'a reader before any writer sees an empty index');
  await none.close();
  t.notOk(existsSync(indexPath(dataDir)), 'and creates nothing');

  const first = await createProvenance({ dataDir, keys: key });
  const decisionId = randomUUID();
  first.remember({ decisionId, text: outputs[0], licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
  first.remember({ decisionId: 'not-a-uuid-7', text: outputs[1], licence: 'mit', trainable: true, time: '2026-11-28T00:00:00Z' });
  await first.close();

  const reader = await createProvenance({ dataDir, keys: key, readOnly: true });
  t.equal(reader.size, 2);
  t.equal(reader.detect(excerpt(outputs[0], 0.5, 0.3)).decision_id, decisionId);
  t.equal(reader.detect(outputs[1]).decision_id, 'not-a-uuid-7', 'a non-UUID id is kept beside its hash');
  await t.rejects(reader.purgeBefore(new Date()), /read-only/, 'a reader never writes');
  await reader.close();

  const writer = await createProvenance({ dataDir, keys: key });
  writer.remember({ decisionId: randomUUID(), text: outputs[2], licence: 'mit', trainable: true, time: '2026-11-28T00:00:00Z' });
  await writer.close();
  const again = await createProvenance({ dataDir, keys: key, readOnly: true });
  t.equal(again.size, 3);
  t.equal(again.detect(outputs[1]).decision_id, 'not-a-uuid-7');
  await again.close();
});

t.test('the append-only log of earlier versions is moved into the index once, torn tail and all', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const decisionId = randomUUID();
  const legacy = (id: string, text: string, licence: string) => {
    const ref = recordRef(id);
    return encodeRecord({ record: { ref: ref.bytes, hashedRef: ref.hashed, licence, licenceClass: null, trainable: false }, originalId: ref.hashed ? id : null, fingerprint: fingerprintOf(text) });
  };
  mkdirSync(join(dataDir, 'provenance'), { recursive: true });
  writeFileSync(logPath(dataDir), Buffer.concat([legacy(decisionId, outputs[0], 'openai-terms'), legacy('not-a-uuid-8', outputs[1], 'mit'), Buffer.from([40, 0, 0, 0, 1, 2, 3])]));
  const p = await createProvenance({ dataDir, keys: key });
  t.equal(p.size, 2, 'both complete records imported, the torn tail not');
  t.notOk(existsSync(logPath(dataDir)), 'the log is set aside');
  t.ok(existsSync(`${logPath(dataDir)}.imported`));
  t.equal(p.detect(excerpt(outputs[0], 0.5, 0.3)).decision_id, decisionId);
  t.equal(p.detect(outputs[1]).decision_id, 'not-a-uuid-8');
  await p.close();
  const reopened = await createProvenance({ dataDir, keys: key });
  t.equal(reopened.size, 2, 'imported once');
  await reopened.close();
});

t.test('retention: outputs served before the cutoff leave the index, postings and all; later ones stay', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  const ids = outputs.slice(0, 6).map((text, i) => {
    const decisionId = i === 1 ? 'not-a-uuid-9' : randomUUID();
    p.remember({ decisionId, text, licence: 'openai-terms', trainable: false, time: `2026-11-0${i + 1}T12:00:00Z` });
    return decisionId;
  });
  await p.flush();
  t.equal(await p.purgeBefore(new Date('2026-11-04T00:00:00Z')), 3);
  t.equal(p.size, 3);
  outputs.slice(0, 6).forEach((text, i) => t.equal(p.detect(text).decision_id, i < 3 ? null : ids[i], `output ${i}`));
  const marked = p.marker({ decisionId: ids[0], licenceClass: 'not-for-competing-models', trainable: false }).markText(outputs[0]);
  t.match(p.detect(marked), { status: 'unverified', restricted: true }, 'a purged output\'s mark is unverified, still restricted');
  await p.close();
  t.equal(await purgeIndex(dataDir, new Date('2026-12-01T00:00:00Z')), 3, 'the CLI\'s purge takes the rest');
  const reader = await createProvenance({ dataDir, keys: key, readOnly: true });
  t.equal(reader.size, 0);
  t.equal(reader.detect(outputs[4]).origin, null);
  await reader.close();
});

t.test('structured output passes through untouched when no marker is applied', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  const json = JSON.stringify({ summary: outputs[3], tags: ['a b', 'c d'], n: 3 });
  const copy = `${json}`;
  p.remember({ decisionId: randomUUID(), text: json, licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
  await p.flush();
  t.equal(json, copy, 'remember leaves the text as it is');
  t.same(JSON.parse(json).tags, ['a b', 'c d']);
  const r = p.detect(JSON.parse(json).summary);
  t.equal(r.origin, 'fingerprint', 'unmarked structured output is still traced by its fingerprint');
  t.equal(r.marks.genuine + r.marks.forged, 0);
  await p.close();
});

t.test('a mark in its own output text is traced by both, and a forged mark makes the text restricted', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  const decisionId = randomUUID();
  const marked = p.marker({ decisionId, licenceClass: 'yes-with-duties', trainable: true }).markText(outputs[4]);
  p.remember({ decisionId, text: marked, licence: 'llama-3.1-community', licenceClass: 'yes-with-duties', trainable: true, time: '2026-11-28T00:00:00Z' });
  await p.flush();
  const genuine = p.detect(marked);
  t.match(genuine, { origin: 'both', status: 'genuine', decision_id: decisionId, licence: 'llama-3.1-community', licence_class: 'yes-with-duties', trainable: true, restricted: false });
  t.ok(genuine.spans.every((s) => s.origin !== 'both' || s.text_matches === true), 'every mark sits in its own output text');

  const forger = await createProvenance({ dataDir: mkdtempSync(join(tmpdir(), 'prov-')), keys: { keyId: key.keyId, macSecret: randomBytes(32) } });
  const forged = forger.marker({ decisionId, licenceClass: 'yes', trainable: true }).markText(strangers[0]);
  await forger.close();
  const r = p.detect(forged);
  t.match(r, { origin: 'watermark', status: 'forged', decision_id: null, trainable: null, restricted: true });
  t.ok(r.marks.forged > 0);
  await p.close();
});

t.test('a marked output that is itself encoded reads as served, and encoded once more it is traced through its first level', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  // An answer that is base64 (a mail body, a file): decoded, its marks stand among words it did not hold as served.
  const body = Buffer.from(outputs[0]).toString('base64').match(/.{1,76}/g)!.join(' ');
  const trainable = randomUUID();
  const marked = p.marker({ decisionId: trainable, licenceClass: 'yes', trainable: true }).markText(body);
  p.remember({ decisionId: trainable, text: marked, licence: 'mit', trainable: true, time: '2026-11-28T00:00:00Z' });
  const restricted = randomUUID();
  const other = Buffer.from(outputs[1]).toString('base64');
  p.remember({ decisionId: restricted, text: other, licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
  await p.flush();
  const asServed = p.detect(marked);
  t.equal(asServed.restricted, false, 'the trainable output, marks and all, is not restricted');
  t.same(asServed.spans.filter((s) => s.status !== 'genuine' && s.status !== 'none'), [], 'no mark judged moved or forged');
  const twice = p.detect(Buffer.from(other).toString('base64'));
  t.match(twice, { restricted: true, decision_id: restricted }, 'the restricted base64 answer, base64-encoded again, is traced');
  await p.close();
});

t.test('a detection thread reads what an inline detection reads: the same spans, marks and touched outputs, outputs remembered just before included', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-pool-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key, detection: { inlineChars: 1_000, threads: 1, budgetMs: 60_000 } });
  t.teardown(() => p.close());
  const ids = outputs.slice(0, 20).map((text) => {
    const decisionId = randomUUID();
    p.remember({ decisionId, text: p.marker({ decisionId, licenceClass: 'not-for-competing-models', trainable: false }).markText(text), licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
    return decisionId;
  });
  // Not flushed: the pool must commit them before its thread reads the index.
  const rot13 = (s: string) => s.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.toLowerCase().charCodeAt(0) - 97 + 13) % 26) + (c === c.toLowerCase() ? 97 : 65)));
  const texts = [
    `${strangers.slice(0, 8).join('\n\n')}\n\n${outputs[3]}`,
    rot13(`${strangers.slice(8, 16).join(' ')} ${outputs[7]} ${strangers[17]}`),
    p.marker({ decisionId: ids[5], licenceClass: 'not-for-competing-models', trainable: false }).markText(strangers.slice(20, 30).join('\n\n')),
    strangers.slice(30, 40).join('\n\n'),
  ];
  const pooled = await p.detectAll(texts, { touched: true });
  t.same(pooled, texts.map((text) => p.detect(text, { touched: true })), 'identical results');
  t.same(pooled.map((r) => [r.restricted, r.status]), [[true, 'genuine'], [true, 'genuine'], [true, 'transplanted'], [false, 'none']]);
  t.equal(pooled[0].decision_id, ids[3]);
  t.equal(pooled[1].decision_id, ids[7]);
  const reading = await p.readable(texts[1]);
  t.same(reading, readable(texts[1]), 'a long reading comes from the thread, the same as inline');
  t.ok(reading.hides && reading.text.includes(outputs[7].split(' ').slice(0, 12).join(' ')), 'and reads the cipher');
});

t.test('a short piece of a long output is traced by its fingerprints alone, wherever it is cut; one output keeps a bounded sample', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-piece-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  t.teardown(() => p.close());
  // About 26,000 words: sampled at a fixed count, a 120-word piece of it held no sample at all.
  const long = speeches.slice(0, 5).join('\n\n');
  const words = long.split(/\s+/);
  const decisionId = randomUUID();
  p.remember({ decisionId, text: long, licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
  await p.flush();
  const missed: string[] = [];
  for (let at = 0.05; at < 1; at += 0.1) {
    const from = Math.floor(at * (words.length - 300));
    const piece = words.slice(from, from + 120).join(' ');
    // A quarter of a longer piece's words replaced.
    const edited = words.slice(from, from + 300).map((w, i) => (i % 4 === 3 ? 'lantern' : w)).join(' ');
    for (const [name, text] of [['120 words among other text', `${strangers[0]}\n\n${piece}\n\n${strangers[1]}`], ['300 words, a quarter replaced', edited]]) {
      const r = p.detect(text);
      if (!r.restricted || r.decision_id !== decisionId) missed.push(`${name} at ${Math.round(at * 100)} %`);
    }
  }
  t.same(missed, [], 'every piece traced');
  // A text of 200,000 distinct words: the sample stays within what one stored output holds.
  const huge = fingerprintOf(Array.from({ length: 200_000 }, (_, i) => `w${i.toString(36)}`).join(' '));
  t.ok(huge.words.hashes.length <= 16_384 && huge.words.hashes.length > 4_096, `${huge.words.hashes.length} word samples`);
  t.ok(huge.loose.hashes.length <= 16_384 && huge.loose.hashes.length > 4_096, `${huge.loose.hashes.length} loose samples`);
});

t.test('a long piece of a very long output, two fifths of its words replaced, is traced though the pairs it shares recur in that output', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-recurring-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  t.teardown(() => p.close());
  // 40,000 words of the addresses of the 1990s: their pairs of common words ("American people")
  // recur, each stored at its first place only, and a late piece's shared pairs stood at wrong offsets.
  const words = sotu({ range: [1990, 2000] }).map((s) => s.text).join(' ').split(/\s+/).slice(0, 40_000);
  const long = words.join(' ');
  const decisionId = randomUUID();
  p.remember({ decisionId, text: long, licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
  await p.flush();
  // Two in five words replaced at random (a fixed seed) by words the output never holds, as an insider's script would.
  const vocabulary = Array.from({ length: 3000 }, (_, i) => `q${(i * 7919).toString(36)}x`);
  let seed = 7;
  const draw = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const missed: string[] = [];
  for (let k = 0; k < 40; k++) {
    const from = Math.floor((k / 40) * (words.length - 1000));
    const edited = words.slice(from, from + 1000).map((w) => (draw() < 0.4 ? vocabulary[Math.floor(draw() * vocabulary.length)] : w)).join(' ');
    const r = p.detect(edited);
    if (!r.restricted || r.decision_id !== decisionId) missed.push(`from word ${from}`);
  }
  t.same(missed, [], 'every piece traced');
});

t.test('a long output is fingerprinted on a thread, as the event loop would, and a detection right after it waits for it', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prov-long-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = await createProvenance({ dataDir, keys: key });
  t.teardown(() => p.close());
  const long = speeches.slice(0, 6).join('\n\n');
  t.ok(long.length > OFF_THREAD_CHARS, `${long.length} characters: past the thread's threshold`);
  const decisionId = randomUUID();
  p.remember({ decisionId, text: long, licence: 'openai-terms', trainable: false, time: '2026-11-28T00:00:00Z' });
  // Asked at once: the output may still be on the thread.
  const [r] = await p.detectAll([excerpt(long, 0.7, 0.05)]);
  t.match(r, { restricted: true, decision_id: decisionId }, 'an excerpt traces to it');
  await p.flush();
  t.equal(p.size, 1);
  t.same(await fingerprintOffThread(long), fingerprintOf(long), 'the same fingerprint as on the event loop');
});
