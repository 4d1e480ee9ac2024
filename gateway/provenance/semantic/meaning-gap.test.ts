// Outputs the meaning index missed keep training admission refusing across restarts (../index-gap.ts):
// the insider's next step after the backlog refusal was to wait for (or cause) a restart, then send a
// paraphrase of what was missed.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paraphrase } from '../../mock-upstream/paraphrase.js';
import { gapPath } from '../index-gap.js';
import { setMeaningCutoff } from './meaning-retention.js';
import { SEEN_FOR_MS } from './seen-windows.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR } from './semantic-provenance.js';
import { semanticLogPath } from './semantic-log.js';

const restricted =
  'Lighthouses were built along dangerous coasts to warn ships away from rocks and shoals. Their keepers lived in isolation for months, trimming the wicks and polishing the great lenses every evening. ' +
  'When storms came, a keeper might stay awake through the night to keep the light burning, knowing that sailors depended on it.';
const later =
  'Tide tables are computed from the harmonic constituents of a port, each a cosine whose period follows the moon and the sun. Engineers once cranked brass machines that summed them with pulleys and a chain. ' +
  'Today a small program adds the same terms, and harbour masters publish the tables a year ahead for every pilot and fisherman.';
const unrelated =
  'The committee approved the annual budget after a long debate about road repairs and school funding. Several members asked for a detailed report on spending before the next meeting in March.';

function dataDirFor(t: Tap.Test): { dataDir: string; gapFile: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-gap-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, gapFile: gapPath(semanticLogPath(dataDir)) };
}

/** A process that misses outputs past a backlog of one: it refuses, as before, and the gap is on disk at once. */
async function missOutputs(t: Tap.Test, dataDir: string, gapFile: string): Promise<void> {
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, maxBacklog: 1 });
  for (let i = 0; i < 3; i++) semantic.remember({ decisionId: `d-missed-${i}`, text: `${restricted} ${i}`, licence: 'openai-terms', trainable: false });
  t.match(semantic.unavailable, /maxBacklog \(1\)/, 'the process that missed them refuses');
  t.ok(existsSync(gapFile), 'the gap is recorded when the first output is missed, before close');
  await semantic.close();
}

t.test('a restart does not end the refusal: outputs missed past the backlog stay a gap until retention forgets them', async (t) => {
  const { dataDir, gapFile } = dataDirFor(t);
  await missOutputs(t, dataDir, gapFile);
  const gap = JSON.parse(readFileSync(gapFile, 'utf8')) as { since: number; until: number };
  t.ok(Number.isFinite(gap.until) && gap.until >= gap.since, 'a clean close records when the gap ended');

  let semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.match(semantic.unavailable, /outputs served between \S+ and \S+ were not indexed by meaning \(more than provenance\.semantic\.maxBacklog \(1\)/);
  t.match(semantic.unavailable, new RegExp(`purge-content --older-than ${new Date(gap.until + SEEN_FOR_MS).toISOString().replace(/[.]/g, '\\.')}`), 'names the retention that would end it');
  await t.rejects(semantic.spans(paraphrase(`${restricted} 2`)), /were not indexed by meaning/, 'a paraphrase of a missed output is refused');
  await t.rejects(semantic.spans(unrelated), /were not indexed by meaning/, 'so is any record: what was missed cannot be ruled out');
  // The new process indexes what it serves meanwhile.
  semantic.remember({ decisionId: 'd-later', text: later, licence: 'openai-terms', trainable: false });
  await semantic.flush();
  t.equal(semantic.size.windows > 0, true, 'outputs served during the gap are indexed');
  await semantic.close();

  // Retention short of the gap's end leaves it; retention past it (every missed output forgotten) ends it.
  setMeaningCutoff(dataDir, new Date(gap.until + SEEN_FOR_MS - 60_000));
  semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.match(semantic.unavailable, /were not indexed by meaning/, 'a cutoff a minute short of the gap: still refused');
  await semantic.close();
  setMeaningCutoff(dataDir, new Date(gap.until + SEEN_FOR_MS));
  semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.equal(semantic.unavailable, null, 'every missed output forgotten: admission resumes');
  t.notOk(existsSync(gapFile), 'and the gap is gone');
  t.match((await semantic.spans(paraphrase(later)))[0], { decision_id: 'd-later' }, 'what was served after the gap is still traced');
  await semantic.close();
});

t.test('an operator who deletes the gap accepts it: admission resumes', async (t) => {
  const { dataDir, gapFile } = dataDirFor(t);
  await missOutputs(t, dataDir, gapFile);
  rmSync(gapFile);
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.equal(semantic.unavailable, null);
  t.same(await semantic.spans(unrelated), []);
  await semantic.close();
});

t.test('a process that died with a gap open: the next start ends the gap at its own start; a damaged gap file refuses', async (t) => {
  const { dataDir, gapFile } = dataDirFor(t);
  const since = Date.now() - 3_600_000;
  // What a crash leaves: the gap opened, never closed.
  await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR }).then((s) => s.close());
  writeFileSync(gapFile, JSON.stringify({ id: 'gap-1', since, until: null, reason: 'the backlog was full' }));
  const before = Date.now();
  let semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  const { until } = JSON.parse(readFileSync(gapFile, 'utf8')) as { until: number };
  t.ok(until >= before && until <= Date.now(), 'the gap ends at this start (nothing was missed after the writer before it died)');
  t.match(semantic.unavailable, new RegExp(`between ${new Date(since).toISOString().replace(/[.]/g, '\\.')} and`));
  await semantic.close();

  writeFileSync(gapFile, '{"since": ');
  semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.match(semantic.unavailable, /is damaged/, 'a gap that cannot be read is of unknown extent: refused');
  await semantic.close();
});

t.test('outputs served while the model was missing are a gap once it is installed', async (t) => {
  const { dataDir, gapFile } = dataDirFor(t);
  const noModel = mkdtempSync(join(tmpdir(), 'termsgate-no-model-'));
  t.teardown(() => rmSync(noModel, { recursive: true, force: true }));
  let semantic = await createSemanticProvenance({ dataDir, modelDir: noModel });
  t.match(semantic.unavailable, /its model is missing/);
  semantic.remember({ decisionId: 'd-unseen', text: restricted, licence: 'openai-terms', trainable: false });
  await semantic.close();
  semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.match(semantic.unavailable, /were not indexed by meaning \(semantic provenance is enabled but its model is missing/);
  await t.rejects(semantic.spans(paraphrase(restricted)), /were not indexed by meaning/);
  await semantic.close();
  t.ok(existsSync(gapFile));
});

t.test('a process that missed nothing leaves no gap, and a trainable output is never a miss', async (t) => {
  const { dataDir, gapFile } = dataDirFor(t);
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, maxBacklog: 1 });
  for (let i = 0; i < 3; i++) semantic.remember({ decisionId: `d-trainable-${i}`, text: `${restricted} ${i}`, licence: 'apache-2.0', trainable: true });
  semantic.remember({ decisionId: 'd-one', text: restricted, licence: 'openai-terms', trainable: false });
  await semantic.flush();
  await semantic.close();
  t.notOk(existsSync(gapFile));
});
