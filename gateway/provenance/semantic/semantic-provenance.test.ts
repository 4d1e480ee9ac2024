import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../core/package-root.js';
import { paraphrase } from '../../mock-upstream/paraphrase.js';
import { speeches } from '../../mock-upstream/corpus.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR, DEFAULT_THRESHOLD } from './semantic-provenance.js';
import { readSemanticLog, semanticLogPath } from './semantic-log.js';
import { encodeOutput } from './semantic-record.js';
import { removeSnapshot } from './semantic-index.js';

const restricted =
  'Lighthouses were built along dangerous coasts to warn ships away from rocks and shoals. Their keepers lived in isolation for months, trimming the wicks and polishing the great lenses every evening. ' +
  'When storms came, a keeper might stay awake through the night to keep the light burning, knowing that sailors depended on it. ' +
  'Automation in the twentieth century replaced most keepers, and today many towers are museums that remember their lonely work.';
// The mock teacher's deterministic rewrite: WordNet synonyms, clauses reordered.
const reworded = paraphrase(restricted);
const unrelated =
  'The committee approved the annual budget after a long debate about road repairs and school funding. Several members asked for a detailed report on spending before the next meeting in March. ' +
  'The mayor thanked the volunteers who organised the spring festival and announced new opening hours for the public library.';

t.test('a restricted output is traced by meaning, with decision, licence and similarity; unrelated text and trainable outputs are not', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.equal(semantic.unavailable, null);
  semantic.remember({ decisionId: 'd-restricted', text: restricted, licence: 'openai-terms', licenceClass: 'not-for-competing-models', trainable: false });
  semantic.remember({ decisionId: 'd-trainable', text: unrelated, licence: 'apache-2.0', trainable: true });
  // No flush: spans() waits for the index's high-water mark itself.
  const spans = await semantic.spans(reworded);
  t.ok(spans.length > 0, 'the reworded text is traced');
  t.match(spans[0], { origin: 'semantic', decision_id: 'd-restricted', licence: 'openai-terms', licence_class: 'not-for-competing-models', restricted: true });
  t.ok(spans.every((s) => s.score >= DEFAULT_THRESHOLD && s.score <= 1));
  t.same(await semantic.spans(unrelated), [], 'a trainable output is not indexed, and unrelated text is not traced');
  t.equal(semantic.size.outputs, 1);
  await semantic.close();

  // Reopened: the saved graph and the log give the same answers.
  const again = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.equal(again.size.outputs, 1);
  t.match((await again.spans(reworded))[0], { decision_id: 'd-restricted' });
  await again.close();
});

t.test('the coarse graph spares unrelated windows a model pass and sends a rewording on; a log written before coarse vectors turns it off', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  semantic.remember({ decisionId: 'd-restricted', text: restricted, licence: 'openai-terms', trainable: false });
  t.same(await semantic.spans(unrelated), []);
  t.ok(semantic.checked.windows > 0);
  t.equal(semantic.checked.embedded, 0, 'the unrelated windows are ruled out without a model pass');
  t.match((await semantic.spans(reworded))[0], { decision_id: 'd-restricted' }, 'the rewording passes the filter and is traced');
  t.ok(semantic.checked.embedded > 0);
  await semantic.close();

  const everyWindow = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, prefilter: 0 });
  await everyWindow.spans(unrelated);
  t.ok(everyWindow.checked.windows > 0);
  t.equal(everyWindow.checked.embedded, everyWindow.checked.windows, 'prefilter 0 embeds every window');
  await everyWindow.close();

  // The same output as a gateway before coarse vectors wrote it: the filter is off, nothing is ruled out.
  const log = semanticLogPath(dataDir);
  const old: Buffer[] = [];
  readSemanticLog(log, (output) => old.push(encodeOutput({ ...output, coarse: null })));
  writeFileSync(log, Buffer.concat(old));
  removeSnapshot(log.replace(/\.log$/, '.usearch'));
  const reopened = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.same(await reopened.spans(unrelated), []);
  t.ok(reopened.checked.windows > 0);
  t.equal(reopened.checked.embedded, reopened.checked.windows, 'an output without coarse vectors: no window is ruled out by them');
  t.match((await reopened.spans(reworded))[0], { decision_id: 'd-restricted' });
  await reopened.close();
});

t.test('a start without a saved graph (after a crash) graphs the log in the background: the caller does not wait, admission does (up to waitMs), the whole graph is saved, and one stopped by close is not', { timeout: 240_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // Forty restricted outputs of 2,000 characters from the addresses (each a different part): about 400 windows to graph again.
  const addresses = speeches();
  const outputs = Array.from({ length: 40 }, (_, i) => {
    const at = 2_000 * (1 + Math.floor(i / addresses.length));
    return { decisionId: `d-speech-${i}`, text: addresses[i % addresses.length].text.slice(at, at + 2_000) };
  });
  const first = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  for (const o of outputs) first.remember({ ...o, licence: 'openai-terms', trainable: false });
  await first.flush();
  const { windows } = first.size;
  await first.close();
  const snapshot = semanticLogPath(dataDir).replace(/\.log$/, '.usearch');
  const crashed = () => removeSnapshot(snapshot);
  const laundered = paraphrase(outputs[37].text);

  crashed();
  const started = Date.now();
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, background: true, waitMs: 1 });
  t.same(semantic.rebuilding, { done: 0, of: 40 }, 'listed at once, graphed after');
  t.ok(Date.now() - started < 2_000, 'the caller did not wait for the graph');
  t.same(semantic.size, { outputs: 40, windows }, 'every output is listed');
  await t.rejects(semantic.spans(laundered), /the meaning graph is being rebuilt from its log \(\d+ of 40 outputs; a start without a saved graph\) and was not done within provenance\.semantic\.waitMs \(1 ms\)/, 'admission refuses rather than read a partial graph');
  for (let i = 0; i < 3_000 && semantic.rebuilding; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(semantic.rebuilding, null, 'graphed');
  t.ok(existsSync(`${snapshot}.json`), 'and saved, so that the next start loads it');
  t.match((await semantic.spans(laundered))[0], { decision_id: 'd-speech-37' }, 'the rewording of an output graphed in the background is traced');
  await semantic.close();

  crashed();
  const stopped = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, background: true });
  await stopped.close();
  t.notOk(existsSync(`${snapshot}.json`), 'a graph whose rebuild close stopped is not saved as if whole');
  const again = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  t.equal(again.rebuilding, null, 'without background the graph is whole when the call resolves');
  t.match((await again.spans(laundered))[0], { decision_id: 'd-speech-37' });
  await again.close();
});

t.test('a missing model makes checks fail closed with a reason', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: join(dataDir, 'no-model') });
  t.match(semantic.unavailable, /model is missing \(model\.onnx, tokenizer\.json/);
  await t.rejects(semantic.spans('any text'), /make setup/);
  await semantic.close();
});

t.test('a public licence passage an output quotes is not traced to it by meaning', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const mit = (createRequire(import.meta.url)('spdx-license-list/full') as Record<string, { licenseText: string }>).MIT.licenseText.replace(/\s+/g, ' ');
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  semantic.remember({ decisionId: 'd-quoting', text: `${restricted}\n\n${mit}`, licence: 'openai-terms', trainable: false });
  t.same(await semantic.spans(mit), [], 'the licence text is public');
  t.match((await semantic.spans(reworded))[0], { decision_id: 'd-quoting' }, "the output's own text is still traced");
  await semantic.close();
});

t.test('bounded: admission waits for the index at most waitMs, and a backlog past maxBacklog fails closed', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, waitMs: 100, maxBacklog: 40 });
  // Far more than 100 ms of embedding: 30 restricted outputs of several windows each.
  for (let i = 0; i < 30; i++) semantic.remember({ decisionId: `d-${i}`, text: `${restricted} ${i}`, licence: 'openai-terms', trainable: false });
  const started = Date.now();
  await t.rejects(semantic.spans(reworded), /the meaning index is \d+ restricted outputs behind and did not catch up within provenance\.semantic\.waitMs \(100 ms\)/);
  t.ok(Date.now() - started < 5_000, 'the refusal came at the wait bound, not after the backlog');
  t.equal(semantic.unavailable, null, 'a slow index refuses one record; it is not broken');
  for (let i = 30; i < 45; i++) semantic.remember({ decisionId: `d-${i}`, text: `${restricted} ${i}`, licence: 'openai-terms', trainable: false });
  t.match(semantic.unavailable, /more than provenance\.semantic\.maxBacklog \(40\) restricted outputs were waiting/, 'one output past the backlog bound: fail closed');
  await t.rejects(semantic.spans(reworded), /maxBacklog/);
  await semantic.close();
});

t.test('bounded: the backlog holds at most maxBacklogChars characters of output text, counted back as outputs are indexed', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const limit = restricted.length * 3 + 10;
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, maxBacklogChars: limit });
  for (let i = 0; i < 3; i++) semantic.remember({ decisionId: `d-${i}`, text: `${restricted} ${i}`, licence: 'openai-terms', trainable: false });
  t.equal(semantic.unavailable, null, 'three outputs within the bound');
  await semantic.flush();
  for (let i = 3; i < 6; i++) semantic.remember({ decisionId: `d-${i}`, text: `${restricted} ${i}`, licence: 'openai-terms', trainable: false });
  t.equal(semantic.unavailable, null, 'three more once the first three are indexed: their characters were counted back');
  // Far fewer outputs than maxBacklog (20,000), but one long one: what it would hold is what counts.
  semantic.remember({ decisionId: 'd-long', text: restricted.repeat(4), licence: 'openai-terms', trainable: false });
  t.match(semantic.unavailable, /would hold more than provenance\.semantic\.maxBacklogChars \(\d+\) characters/, 'an output past the character bound: fail closed');
  await t.rejects(semantic.spans(reworded), /maxBacklogChars/);
  await semantic.close();
});

t.test('bounded: a record longer than maxRecordChars is refused, not embedded window by window', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, maxRecordChars: 4_096 });
  semantic.remember({ decisionId: 'd-restricted', text: restricted, licence: 'openai-terms', trainable: false });
  const long = `${unrelated} `.repeat(40);
  const started = Date.now();
  await t.rejects(semantic.spans(long), /too long to be checked by meaning \(\d+ characters, more than provenance\.semantic\.maxRecordChars, 4096\)/);
  t.ok(Date.now() - started < 5_000, 'refused at once');
  t.ok((await semantic.spans(reworded)).length > 0, 'a record within the bound is checked');
  await semantic.close();
});

t.test('an output served again is not embedded again: the trace names the first decision that served it under that licence', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  for (let i = 0; i < 20; i++) semantic.remember({ decisionId: `d-same-${i}`, text: restricted, licence: 'openai-terms', trainable: false });
  await semantic.flush();
  t.equal(semantic.size.outputs, 1, 'twenty servings, one indexed output');
  const ownWindows = semantic.size.windows;
  t.match((await semantic.spans(reworded))[0], { decision_id: 'd-same-0' });
  // The same text under another licence is a different source: indexed, and traceable to it.
  semantic.remember({ decisionId: 'd-other-licence', text: restricted, licence: 'anthropic-terms', trainable: false });
  await semantic.flush();
  t.equal(semantic.size.outputs, 2);
  // One new sentence among served ones: only that window is new, and it is traced to its own decision.
  const extended = `${restricted} A second keeper kept a diary of every ship that passed, and the diary survives in a museum on the island, read by visitors each summer.`;
  const windowsBefore = semantic.size.windows;
  semantic.remember({ decisionId: 'd-extended', text: extended, licence: 'openai-terms', trainable: false });
  await semantic.flush();
  t.ok(semantic.size.windows > windowsBefore, 'the new window is indexed');
  t.ok(semantic.size.windows - windowsBefore < ownWindows, 'and the served ones are not indexed again');
  await semantic.close();
});

t.test('priority low: the embedding thread alone runs at nice 19, so the event loop keeps its priority', { skip: process.platform !== 'linux' && 'per-thread nice is Linux' }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const niceOf = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, lowPriority: true });
  semantic.remember({ decisionId: 'd-low', text: restricted, licence: 'openai-terms', trainable: false });
  t.match((await semantic.spans(reworded))[0], { decision_id: 'd-low' }, 'indexed and traced at low priority');
  const niced = readdirSync('/proc/self/task').filter((task) => niceOf(task) === 19);
  t.ok(niced.length >= 1, 'the embedding thread is niced');
  t.equal(niceOf(String(process.pid)), 0, 'the main thread is not');
  await semantic.close();
});

t.test('closing while the model runs ends the thread between runs: the process exits cleanly (the built gateway, where a terminated onnxruntime aborted it)', { timeout: 120_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-close-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const built = pathToFileURL(join(packageRoot, 'dist/gateway/provenance/semantic/semantic-provenance.js')).href;
  const script = `
    const { createSemanticProvenance, DEFAULT_MODEL_DIR } = await import(${JSON.stringify(built)});
    const sem = await createSemanticProvenance({ dataDir: ${JSON.stringify(dataDir)}, modelDir: DEFAULT_MODEL_DIR, waitMs: 1 });
    const words = ${JSON.stringify(restricted.split(' '))};
    for (let i = 0; i < 40; i++) sem.remember({ decisionId: 'd' + i, licence: 'x', trainable: false, text: Array.from({ length: 400 }, (_, k) => words[(k * 7 + i) % words.length] + (k % 3 === 0 ? 'x' + i : '')).join(' ') });
    // Every output its own words (none skipped as seen before), and close once the first batch is in, with
    // no wait for the rest: however fast the machine, most of the backlog is still queued.
    while (sem.size.outputs === 0) await new Promise((r) => setTimeout(r, 20));
    await sem.close();
    process.stdout.write('closed ' + sem.size.outputs);
  `;
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    // A file, not --eval: the embedding thread inherits the process's flags, and --input-type would stop it.
    const file = join(dataDir, 'close.mjs');
    writeFileSync(file, script);
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  t.equal(run.status, 0, `exit status (stderr: ${run.stderr.slice(-300)})`);
  t.notMatch(run.stderr, /terminate called/);
  const indexed = Number(/closed (\d+)/.exec(run.stdout)?.[1]);
  t.ok(indexed >= 1 && indexed < 40, `closed with part of the backlog indexed (${indexed} of 40)`);
});
