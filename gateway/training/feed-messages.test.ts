import t from 'tap';
import fc from 'fast-check';
import { feedLogprobs, feedMessages, renderContent } from './feed-messages.js';
import { feedDocument } from './admission.js';

const CANARY = 'CANARY-name-field-7f3a';

t.test('a turn keeps its role and rendered text; names, ids, statuses and cache_control are dropped', async (t) => {
  const stored = feedMessages([
    { role: 'system', name: CANARY, content: 'Be brief.' },
    { role: 'developer', content: [{ type: 'text', text: 'Dev ', cache_control: { type: 'ephemeral', note: CANARY } }, { type: 'text', text: 'rules', id: CANARY }] },
    { role: 'user', name: CANARY, content: [{ type: 'image_url', image_url: { url: `data:,${CANARY}` } }, { type: 'text', text: 'Look.' }] },
    { role: 'assistant', content: null, tool_calls: [{ id: CANARY, type: 'function', function: { name: 'search', arguments: '{"q":"tides"}' } }], status: CANARY },
    { role: 'tool', tool_call_id: CANARY, content: 'high at noon' },
    { role: 'assistant', content: [{ type: 'thinking', thinking: CANARY, signature: CANARY }, { type: 'tool_use', id: CANARY, name: 'note', input: { text: 'x' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: CANARY, content: [{ type: 'text', text: 'noted' }] }] },
    { type: 'function_call', call_id: CANARY, name: 'lookup', arguments: '{}', status: CANARY },
    { type: 'function_call_output', call_id: CANARY, output: 'found' },
    { role: CANARY, content: 'odd role' },
    { role: 'user', content: 'hi', [CANARY]: CANARY, metadata: { CANARY } },
  ]);
  t.same(stored, [
    { role: 'system', content: 'Be brief.' },
    { role: 'system', content: 'Dev rules' },
    { role: 'user', content: 'Look.' },
    { role: 'assistant', content: 'search({"q":"tides"})' },
    { role: 'tool', content: 'high at noon' },
    { role: 'assistant', content: 'note({"text":"x"})' },
    { role: 'user', content: 'noted' },
    { role: 'assistant', content: 'lookup({})' },
    { role: 'tool', content: 'found' },
    { role: 'user', content: 'odd role' },
    { role: 'user', content: 'hi' },
  ]);
  t.notMatch(JSON.stringify(stored), CANARY, 'no dropped field survives');
});

t.test('completions prompts: a string or an array of strings is a user turn', async (t) => {
  t.same(feedMessages(['Once upon', ['a ', 'time', 42]]), [{ role: 'user', content: 'Once upon' }, { role: 'user', content: 'a time' }]);
});

t.test('content parts join with nothing (a word split across parts is whole), tool blocks on their own lines', async (t) => {
  t.equal(renderContent([{ type: 'text', text: 'light' }, { type: 'text', text: 'house' }]), 'lighthouse');
  t.equal(renderContent([{ type: 'text', text: 'a' }, { type: 'tool_use', name: 'f', input: {} }, { type: 'text', text: 'b' }]), 'a\nf({})\nb');
});

t.test('a role named after an Object.prototype key trains as a user turn, with a string role', async (t) => {
  for (const role of ['constructor', 'valueOf', '__proto__', 'toString', 'hasOwnProperty']) t.same(feedMessages([{ role, content: 'hi' }]), [{ role: 'user', content: 'hi' }], role);
});

t.test('property: the projection is idempotent, holds only roles and strings, and admission reads exactly it', async (t) => {
  const part = fc.oneof(
    fc.string(),
    fc.record({ type: fc.constant('text'), text: fc.string(), id: fc.string(), cache_control: fc.object() }),
    fc.record({ type: fc.constant('tool_use'), id: fc.string(), name: fc.string(), input: fc.jsonValue() }),
    fc.record({ type: fc.constantFrom('image', 'thinking', 'document'), data: fc.string() }),
  );
  const message = fc.oneof(
    fc.string(),
    fc.record({ role: fc.oneof(fc.constantFrom('system', 'user', 'assistant', 'tool', 'developer'), fc.string()), name: fc.string(), content: fc.oneof(fc.string(), fc.array(part), fc.constant(null)), status: fc.string() }, { requiredKeys: ['role'] }),
    fc.record({ type: fc.constant('function_call'), name: fc.string(), arguments: fc.string(), call_id: fc.string() }),
    fc.anything(),
  );
  fc.assert(
    fc.property(fc.array(message, { maxLength: 6 }), fc.string(), (prompt, completion) => {
      const stored = feedMessages(prompt);
      if (JSON.stringify(feedMessages(stored)) !== JSON.stringify(stored)) return false;
      for (const m of stored) if (Object.keys(m).join() !== 'role,content' || typeof m.content !== 'string') return false;
      return feedDocument(prompt, completion) === [...stored.map((m) => m.content), completion].filter((s) => s.length > 0).join('\n\n');
    }),
    { numRuns: 300 },
  );
});

t.test('teacher logprobs are kept only as tokens that spell the completion, without bytes', async (t) => {
  const top = [
    { token: 'Hel', logprob: -0.1, bytes: [72, 101, 108], top_logprobs: [{ token: 'Hel', logprob: -0.1, bytes: [1] }] },
    { token: 'lo', logprob: -0.2, top_logprobs: [] },
  ];
  t.same(feedLogprobs(top, 'Hello'), [
    { token: 'Hel', logprob: -0.1, top_logprobs: [{ token: 'Hel', logprob: -0.1 }] },
    { token: 'lo', logprob: -0.2, top_logprobs: [] },
  ]);
  t.equal(feedLogprobs(top, 'Hello, and some text the tokens do not carry'), null, 'tokens that are not the completion are dropped');
  t.equal(feedLogprobs([{ token: CANARY }], CANARY), null, 'a malformed entry drops them all');
  t.equal(feedLogprobs(null, 'x'), null);
});
