// Semantic provenance through the real gateway (issue 22, #1): a restricted answer reworded by the mock
// teacher's paraphrase (WordNet synonyms, clauses reordered), offered as training data, is refused
// with a span traced by meaning (decision, licence, similarity); unrelated text is admitted; a
// reworded copy offered right after the restricted call, before any index could have caught up on its
// own, is still refused (admission waits for the semantic index's high-water mark); and with the model
// missing, training admission fails closed while ordinary calls go on.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paraphrase } from '../gateway/mock-upstream/paraphrase.js';
import { startDemoGateway } from './support/demo-gateway.js';
import { adminGet, postAs, stripMarks } from './support/gateway-calls.js';
import { until } from './support/until.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const post = (body: unknown, headers: Record<string, string> = {}) => postAs(gw, '/v1/chat/completions', body, headers);
const asTrainingData = (text: string) => post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Polish this.' }, { role: 'assistant', content: text }, { role: 'user', content: 'Thanks.' }] }, { 'x-termsgate-purpose': 'training-data' });
const MEANING = /traced by meaning, similarity (0\.\d+|1)\)/;

t.test('a restricted answer paraphrased by the mock teacher is refused as training data, with its semantic span', async (t) => {
  // Offered at once: no wait for any index. Admission waits for the semantic index's high-water mark.
  const restricted = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Describe the state of our schools.' }] });
  t.equal(restricted.status, 200);
  const reworded = paraphrase(stripMarks(restricted.body.choices[0].message.content as string));
  const offered = await asTrainingData(reworded);
  t.equal(offered.status, 403, 'refused');
  t.match(offered.body.error.message, restricted.id, 'naming the restricted decision');
  t.match(offered.body.error.message, MEANING, 'traced by meaning, with the similarity');
  t.match(offered.body.error.message, /licence openai-services-agreement/);
  const { records } = await until(() => adminGet(gw, `/admin/v1/audit/records?decision_id=${offered.id}`), (page) => page.records.length > 0);
  const reasons = records.flatMap((e: { record: { reasons?: { rule: string; message: string }[] } }) => e.record.reasons ?? []);
  t.ok(reasons.some((r: { rule: string; message: string }) => r.rule === 'training.provenance_admission' && MEANING.test(r.message) && r.message.includes(restricted.id)), 'the audit record carries the semantic reason');
});

t.test('unrelated text offered as training data is admitted and its answer gets a permit', async (t) => {
  const text = 'The town council met on Tuesday to approve repairs to the harbour road. Members asked for a detailed budget before the spring, and the mayor thanked the volunteers who run the library on weekends.';
  const offered = await asTrainingData(text);
  t.equal(offered.status, 200);
  const { records } = await until(() => adminGet(gw, `/admin/v1/audit/records?decision_id=${offered.id}&phase=completed`), (page) => page.records.length > 0);
  t.not(records[0].record.training_permit_id, null, 'a permit was signed');
});

t.test('with the model missing, training admission refuses with a clear reason; ordinary calls are served', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'termsgate-no-model-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const bare = await startDemoGateway((config) => {
    config.provenance.semantic.modelDir = empty;
  });
  t.teardown(() => bare.close());
  const ordinary = await postAs(bare, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello.' }] });
  t.equal(ordinary.status, 200);
  const offered = await postAs(bare, '/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Hello.' }] }, { 'x-termsgate-purpose': 'training-data' });
  t.equal(offered.status, 403);
  t.match(offered.body.error.message, /semantic provenance is enabled but its model is missing \(model\.onnx, tokenizer\.json in .*\); run `make setup`/);
});

t.test('a restart does not end the refusal: an answer served while meaning could not index it is a gap the restarted gateway still refuses for', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-gap-'));
  const empty = mkdtempSync(join(tmpdir(), 'termsgate-no-model-'));
  t.teardown(() => [dataDir, empty].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const first = await startDemoGateway((config) => {
    config.dataDir = dataDir;
    config.provenance.semantic.modelDir = empty;
  });
  const served = await postAs(first, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Describe the state of our schools.' }] });
  t.equal(served.status, 200, 'the restricted answer is served while meaning cannot index it');
  await first.close();

  // The insider's next step: the model installed, the gateway restarted, the paraphrase offered.
  const second = await startDemoGateway((config) => {
    config.dataDir = dataDir;
  });
  t.teardown(() => second.close());
  const offered = await postAs(second, '/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Polish this.' }, { role: 'assistant', content: paraphrase(stripMarks(served.body.choices[0].message.content as string)) }] }, { 'x-termsgate-purpose': 'training-data' });
  t.equal(offered.status, 403, 'refused after the restart');
  t.match(offered.body.error.message, /were not indexed by meaning \(semantic provenance is enabled but its model is missing/);
  const ordinary = await postAs(second, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello.' }] });
  t.equal(ordinary.status, 200, 'ordinary calls are served');
});
