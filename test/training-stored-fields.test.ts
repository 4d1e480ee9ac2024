// Every stored byte is read (issue 22, #4), through the real gateway: text an insider places in a
// field the runner never trains on (names, ids, statuses, cache_control, images, thinking, invented
// keys) is dropped before storage, so it never reaches the feed; text in a field the feed keeps
// (a tool call's name and arguments, a tool result) is scanned and a restricted output there is refused.
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { SELECTOR, feedText, postAs, stripMarks } from './support/gateway-calls.js';
import { indexed, until } from './support/until.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());


const post = (path: string, body: unknown, headers: Record<string, string> = {}) => postAs(gw, path, body, headers);

const feedLines = () => feedText(gw);

const restricted = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write about the history of lighthouses and their keepers.' }] });
const text = stripMarks(restricted.body.choices[0].message.content as string);
await indexed(gw, [{ id: restricted.id, text }]);

const CANARY = 'canary-field-3c91e0';
const payload = `${CANARY} ${text}`;
const TRAINING = { 'x-termsgate-purpose': 'training-data' };

t.test('text in a field the runner never trains on is dropped before storage: the record is admitted without it', async (t) => {
  const chat: Record<string, unknown[]> = {
    'messages[].name': [{ role: 'user', name: payload, content: 'Hello.' }],
    'a tool call id and tool_call_id': [
      { role: 'user', content: 'Look it up.' },
      { role: 'assistant', content: null, tool_calls: [{ id: payload, type: 'function', function: { name: 'search', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: payload, content: 'ok' },
    ],
    'a status': [{ role: 'user', content: 'Hi.', status: payload }],
    'cache_control on a part': [{ role: 'user', content: [{ type: 'text', text: 'Hi.', cache_control: { type: 'ephemeral', note: payload } }] }],
    'a part id': [{ role: 'user', content: [{ type: 'text', text: 'Hi.', id: payload }] }],
    'an image URL': [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `https://example.com/${encodeURIComponent(payload)}` } }, { type: 'text', text: 'What is this?' }] }],
    'an invented key': [{ role: 'user', content: 'Hi.', notes: payload, metadata: { text: payload } }],
    'an invented role': [{ role: payload, content: 'Hi.' }],
  };
  for (const [field, messages] of Object.entries(chat)) {
    const r = await post('/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages }, TRAINING);
    t.equal(r.status, 200, `${field}: answered`);
    const lines = await until(feedLines, (l) => l.includes(r.id));
    t.ok(lines.includes(r.id), `${field}: the record reaches the feed`);
    t.notOk(lines.includes(CANARY), `${field}: the field's text is not stored`);
    t.notOk(lines.includes(text.split(' ').slice(3, 11).join(' ')), `${field}: nor any of the restricted output`);
  }
  // Anthropic's block shapes (the demo's only Anthropic model is not trainable, so they ride a trainable chat call).
  const blocks = await post(
    '/v1/chat/completions',
    {
      model: 'qwen2.5-7b-instruct',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: payload } }] },
        { role: 'user', content: 'Think.' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: payload, signature: payload }, { type: 'redacted_thinking', data: payload }, { type: 'text', text: 'Done.' }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: payload, content: 'ok' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: Buffer.from(payload).toString('base64') } }] },
      ],
    },
    TRAINING,
  );
  t.equal(blocks.status, 200, 'thinking, redacted thinking, tool_use_id, images');
  const lines = await until(feedLines, (l) => l.includes(blocks.id));
  t.ok(lines.includes(blocks.id));
  t.notOk(lines.includes(CANARY), 'none of it is stored');
});

t.test('text in a field the feed keeps is scanned: a restricted output there is refused, naming its decision', async (t) => {
  const carriers: Record<string, unknown[]> = {
    'a tool call name': [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: text, arguments: '{}' } }] }, { role: 'user', content: 'Go on.' }],
    'a legacy function_call': [{ role: 'assistant', content: null, function_call: { name: 'f', arguments: JSON.stringify({ t: text }) } }, { role: 'user', content: 'Go on.' }],
  };
  for (const [field, messages] of Object.entries(carriers)) {
    const r = await post('/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages }, TRAINING);
    t.equal(r.status, 403, field);
    t.match(r.body.error.message, restricted.id, `${field}: names the origin decision`);
  }
  const responses = await post('/v1/responses', { model: 'qwen2.5-7b-instruct', input: [{ type: 'function_call_output', call_id: 'c', output: text }, { role: 'user', content: 'Summarise.' }] }, TRAINING);
  t.equal(responses.status, 403, 'a Responses function_call_output');
});
