// Retention reaches the meaning index: `audit purge-content`'s cutoff makes every semantic log forget the
// restricted outputs served before it — a log no process holds at once, a running gateway's within
// retentionCheckMs — in the graph, the log and the saved graph, while the outputs after it stay traced
// under their own decisions (before and after a restart). A copy passed over as already indexed keeps
// the output it was traced through.
import t from 'tap';
import { existsSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSemanticProvenance, DEFAULT_MODEL_DIR, purgeMeaning } from './semantic-provenance.js';
import { meaningCutoffPath, readMeaningCutoff, setMeaningCutoff } from './meaning-retention.js';
import { semanticLogPath } from './semantic-log.js';
import { decodeOutput, encodeOutput } from './semantic-record.js';
import { SEEN_FOR_MS } from './seen-windows.js';
import { until } from '../../../test/support/until.js';

const texts = [
  'Lighthouses were built along dangerous coasts to warn ships away from rocks and shoals. Their keepers lived in isolation for months, trimming the wicks and polishing the great lenses every evening.',
  'The committee approved the annual budget after a long debate about road repairs and school funding. Several members asked for a detailed report on spending before the next meeting in March.',
  'Honeybees communicate the direction and distance of flowers through a waggle dance performed on the comb. Foragers returning with nectar repeat the dance until enough workers have followed them out.',
];
const DAY = 86_400_000;
const now = Date.now();
const at = (ms: number) => new Date(ms).toISOString();
const traced = async (semantic: Awaited<ReturnType<typeof createSemanticProvenance>>, text: string) => [...new Set((await semantic.spans(text)).map((s) => s.decision_id))];

/** A data directory whose log holds an output served ten days ago (d-old) and one a minute ago (d-new), and its writer. */
async function oldAndNew(t: Tap.Test, options: { retentionCheckMs?: number } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-retention-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, ...options });
  semantic.remember({ decisionId: 'd-old', text: texts[0], licence: 'openai-terms', trainable: false, time: at(now - 10 * DAY) });
  semantic.remember({ decisionId: 'd-new', text: texts[1], licence: 'openai-terms', trainable: false, time: at(now - 60_000) });
  await semantic.flush();
  return { dataDir, semantic };
}

t.test('a log no process holds is purged by the CLI at once; outputs after the cutoff stay traced, also after a restart', async (t) => {
  const { dataDir, semantic } = await oldAndNew(t);
  t.same(await traced(semantic, texts[0]), ['d-old']);
  await semantic.close();

  const held = await purgeMeaning(dataDir, new Date(now - DAY));
  t.same(held, { forgotten: 1, pending: [] });
  const log = readFileSync(semanticLogPath(dataDir));
  t.notOk(log.includes('d-old'), 'the log holds nothing of the old output');
  t.ok(log.includes('d-new'));

  const again = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.equal(again.size.outputs, 1);
  t.same(await traced(again, texts[0]), [], 'the old output is no longer traced');
  t.same(await traced(again, texts[1]), ['d-new'], 'the new one is, under its own decision (the numbering held)');
  // Served again after the purge: indexed afresh and traced.
  again.remember({ decisionId: 'd-again', text: texts[0], licence: 'openai-terms', trainable: false, time: at(now) });
  t.same(await traced(again, texts[0]), ['d-again']);
  await again.close();
  t.same(await purgeMeaning(dataDir, new Date(now - DAY)), { forgotten: 0, pending: [] }, 'nothing more to forget');
});

t.test('a running gateway holds its log: the CLI leaves the purge to it, and it forgets within retentionCheckMs', async (t) => {
  const { dataDir, semantic } = await oldAndNew(t, { retentionCheckMs: 200 });
  const { forgotten, pending } = await purgeMeaning(dataDir, new Date(now - DAY));
  t.equal(forgotten, 0);
  t.match(pending, [{ log: semanticLogPath(dataDir), outputs: 1, reason: new RegExp(`open for writing by process ${process.pid}`) }]);
  const held = await until(() => Promise.resolve(readFileSync(semanticLogPath(dataDir)).includes('d-old')), (still) => !still);
  t.notOk(held, 'purged by the gateway holding the log');
  // The saved graph (deleted by the purge: it held the old vectors) is saved again once the freed slots are refilled.
  await until(() => Promise.resolve(existsSync(`${semanticLogPath(dataDir).replace(/\.log$/, '.usearch')}.json`)), (saved) => saved);
  t.same(await traced(semantic, texts[0]), []);
  t.same(await traced(semantic, texts[1]), ['d-new']);
  // Indexing goes on after the rewrite: appended to the new log, and the saved graph agrees with it.
  semantic.remember({ decisionId: 'd-later', text: texts[2], licence: 'openai-terms', trainable: false, time: at(now) });
  t.same(await traced(semantic, texts[2]), ['d-later']);
  await semantic.close();
  const reopened = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.same(await traced(reopened, texts[1]), ['d-new']);
  t.same(await traced(reopened, texts[2]), ['d-later']);
  t.same(await traced(reopened, texts[0]), []);
  await reopened.close();
});

t.test('a scanner (provenance scan) reading a log its writer has not purged yet applies the cutoff itself', async (t) => {
  const { dataDir, semantic: writer } = await oldAndNew(t);
  setMeaningCutoff(dataDir, new Date(now - DAY));
  const scanner = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, readOnly: true });
  t.ok(readFileSync(semanticLogPath(dataDir)).includes('d-old'), 'the writer has not purged its log yet');
  t.same(await traced(scanner, texts[0]), [], 'the scanner does not trace the old output');
  t.same(await traced(scanner, texts[1]), ['d-new']);
  await scanner.close();
  await writer.close();
});

t.test('a copy passed over as already indexed is not lost with the output it was traced through', async (t) => {
  // The insider's try: get the answer served once long ago and once just after the cutoff (the second
  // copy is not indexed again), then purge, then launder the copy.
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-retention-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = now - 3 * DAY;
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  semantic.remember({ decisionId: 'd-first', text: texts[0], licence: 'openai-terms', trainable: false, time: at(first) });
  semantic.remember({ decisionId: 'd-copy', text: texts[0], licence: 'openai-terms', trainable: false, time: at(first + SEEN_FOR_MS / 2) });
  semantic.remember({ decisionId: 'd-late-copy', text: texts[2], licence: 'openai-terms', trainable: false, time: at(first) });
  semantic.remember({ decisionId: 'd-late-copy-again', text: texts[2], licence: 'openai-terms', trainable: false, time: at(first + 2 * SEEN_FOR_MS) });
  await semantic.flush();
  t.equal(semantic.size.outputs, 3, 'the copy within SEEN_FOR_MS was passed over, the later one indexed');
  await semantic.close();
  // Cut between the first serving and the copy: the first is kept, since the copy is traced through it.
  await purgeMeaning(dataDir, new Date(first + SEEN_FOR_MS / 4));
  const reopened = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.same(await traced(reopened, texts[0]), ['d-first']);
  await reopened.close();
  // Past both: forgotten; the later copy, indexed under its own decision, stays.
  await purgeMeaning(dataDir, new Date(first + SEEN_FOR_MS + 1));
  const last = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.same(await traced(last, texts[0]), []);
  t.same(await traced(last, texts[2]), ['d-late-copy-again']);
  await last.close();
});

t.test('a copy served after a purge forgot what it would have been passed over as is indexed afresh', async (t) => {
  // The next try: the answer served, a cutoff set just past it (an operator's purge of everything so far),
  // then the same answer served again within SEEN_FOR_MS of the first and laundered.
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-retention-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, retentionCheckMs: 100 });
  semantic.remember({ decisionId: 'd-first', text: texts[0], licence: 'openai-terms', trainable: false, time: at(now - 60_000) });
  t.same(await traced(semantic, texts[0]), ['d-first']);
  setMeaningCutoff(dataDir, new Date(now + 2 * SEEN_FOR_MS));
  t.same(await until(() => traced(semantic, texts[0]), (ids) => ids.length === 0), [], 'forgotten at the next check');
  semantic.remember({ decisionId: 'd-copy', text: texts[0], licence: 'openai-terms', trainable: false, time: at(now) });
  t.same(await traced(semantic, texts[0]), ['d-copy'], 'indexed again, not passed over as seen');
  await semantic.close();
});

t.test('the cutoff only moves forward; records without a time take their UUIDv7 decision id\'s', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-retention-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  t.equal(readMeaningCutoff(dataDir), null);
  t.equal(setMeaningCutoff(dataDir, new Date(now - DAY)), now - DAY);
  t.equal(setMeaningCutoff(dataDir, new Date(now - 5 * DAY)), now - DAY, 'an earlier cutoff does not bring anything back');
  t.match(JSON.parse(readFileSync(meaningCutoffPath(dataDir), 'utf8')), { before: now - DAY });
  const v7 = '0190f2a4-1c2b-7000-8000-000000000000';
  const frame = encodeOutput({ decisionId: v7, licence: 'openai-terms', licenceClass: null, time: null, vectors: new Float32Array(0), coarse: null });
  t.equal(decodeOutput(frame, 0)!.output.time, 0x0190f2a41c2b);
  const other = encodeOutput({ decisionId: 'not-a-uuid', licence: 'openai-terms', licenceClass: null, time: null, vectors: new Float32Array(0), coarse: null });
  t.equal(decodeOutput(other, 0)!.output.time, null, 'no time known: never forgotten by retention');
});
