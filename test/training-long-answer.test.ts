// Pieces of a long restricted answer (issue 22): ask the restricted model for thousands of words, then
// offer a few hundred of them as training data. A long output used to be sampled so sparsely (a fixed
// number of samples whatever its length) that a 500-word excerpt of a 16,000-word answer was traced one
// time in five; outputs are now sampled no sparser than a short output's density (fingerprint.ts).
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { postAs, stripMarks } from './support/gateway-calls.js';
import { indexed } from './support/until.js';
import { rngFrom } from '../gateway/mock-upstream/rng.js';
import { substitute } from '../bench/provenance/rewording.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const post = (body: unknown, headers: Record<string, string> = {}) => postAs(gw, '/v1/chat/completions', body, headers);
const ask = async (model: string, topic: string) => {
  const r = await post({ model, messages: [{ role: 'user', content: `Write a very long essay about ${topic}. mock:words=6000` }] });
  const text = stripMarks(r.body.choices[0].message.content as string);
  return { id: r.id, text, words: text.split(/\s+/) };
};
const restricted = await ask('gpt-4o-mini', 'the history of canals');
const trainable = await ask('qwen2.5-7b-instruct', 'the history of railways');
await indexed(gw, [restricted, trainable]);

const PLAIN = 'Our team keeps a running list of questions from the support queue, and every Friday someone picks three of them to answer properly in the handbook, with links to the code.';
const piece = (words: string[], at: number, n: number) => words.slice(Math.floor(at * words.length), Math.floor(at * words.length) + n).join(' ');
const vocabulary = PLAIN.split(' ').concat('river bridge harbour lantern meadow orchard quarry saddle timber valley'.split(' '));
const offer = (content: string) =>
  post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Summarise our notes.' }, { role: 'assistant', content }] }, { 'x-termsgate-purpose': 'training-data' });

t.test('the answers are long', async (t) => {
  t.ok(restricted.words.length > 5000, `${restricted.words.length} words`);
  t.ok(trainable.words.length > 5000, `${trainable.words.length} words`);
});

t.test('a piece of a long restricted answer offered as training data is refused, naming its decision', async (t) => {
  const pieces: Record<string, string> = {
    '120 words from the middle, between plain words': `${PLAIN}\n\n${piece(restricted.words, 0.5, 120)}\n\n${PLAIN}`,
    '80 words from near the end': piece(restricted.words, 0.93, 80),
    '300 words from the first third, a quarter of them substituted': substitute(piece(restricted.words, 0.3, 300), 0.25, vocabulary, rngFrom(5)),
    '600 words from the second half, two fifths of them substituted': substitute(piece(restricted.words, 0.6, 600), 0.4, vocabulary, rngFrom(6)),
  };
  for (const [name, content] of Object.entries(pieces)) {
    const r = await offer(content);
    t.equal(r.status, 403, name);
    t.match(r.body.error?.message, restricted.id, `${name}: names the origin decision`);
  }
});

t.test('a piece of a long trainable answer is admitted', async (t) => {
  for (const at of [0.2, 0.5, 0.8]) {
    const r = await offer(piece(trainable.words, at, 200));
    t.equal(r.status, 200, `200 words at ${at * 100} %`);
  }
});
