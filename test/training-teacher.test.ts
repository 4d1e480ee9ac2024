// Through the teacher (issue 22, #6 and #1), through the real gateway: an insider asks a trainable
// model to rewrite a restricted answer (the mock paraphrases deterministically with WordNet synonyms)
// and sends the rewrite as training data. The rewrite call itself never reaches the feed (its prompt
// carries the restricted answer), and its answer is remembered as derived from restricted output, so
// the rewrite, sent later as training data, is refused naming the rewrite call. A paraphrase made
// outside the gateway is another matter: word fingerprints and loose pairs do not follow it (README).
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { SELECTOR, adminGet, postAs } from './support/gateway-calls.js';
import { indexed, until } from './support/until.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const post = (body: unknown, headers: Record<string, string> = {}) => postAs(gw, '/v1/chat/completions', body, headers);

const admin = (path: string) => adminGet(gw, path);

t.test('a trainable teacher rewriting a restricted answer: the rewrite gets no permit, and the rewrite sent later as training data is refused', async (t) => {
  const restricted = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write at length about the history of lighthouses and their keepers.' }] });
  const text = (restricted.body.choices[0].message.content as string).replace(SELECTOR, '');
  await indexed(gw, [{ id: restricted.id, text }]);

  const rewrite = await post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: `Rewrite in your own words: ${text} mock:paraphrase` }] });
  t.equal(rewrite.status, 200);
  const paraphrased = (rewrite.body.choices[0].message.content as string).replace(SELECTOR, '');
  t.not(paraphrased, text, 'the teacher paraphrased');
  const { records } = await until(() => admin(`/admin/v1/audit/records?decision_id=${rewrite.id}&phase=completed`), (page) => page.records.length > 0);
  t.equal(records.find((e: { record: any }) => e.record.phase === 'completed').record.training_permit_id, null, 'the rewrite call itself gets no permit');

  const carried = await post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Polish.' }, { role: 'assistant', content: paraphrased }, { role: 'user', content: 'Thanks.' }] }, { 'x-termsgate-purpose': 'training-data' });
  // The paraphrase is itself a served output of the trainable teacher, traced to the rewrite call.
  const res = await fetch(`${gw.url}/admin/v1/provenance/detect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: paraphrased }),
  });
  const scanned = ((await res.json()) as { results: any[] }).results[0];
  t.match(scanned, { restricted: true, decision_id: rewrite.id }, 'the paraphrase traces to the rewrite call, remembered as not trainable');
  t.equal(carried.status, 403, 'the paraphrase carried as training data is refused');
  t.match(carried.body.error.message, rewrite.id, 'naming the rewrite call');
});
