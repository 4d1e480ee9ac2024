// The official @anthropic-ai/sdk pointed at the gateway (ANTHROPIC_BASE_URL), the mock provider behind it.
import t from 'tap';
import Anthropic from '@anthropic-ai/sdk';
import { startDemoGateway } from '../support/demo-gateway.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const client = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Explain how a lighthouse works.' }];

t.test('messages, not streamed', async (t) => {
  const { data, response } = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 300, messages }).withResponse();
  t.equal(data.type, 'message');
  t.equal(data.role, 'assistant');
  t.equal(data.content[0].type, 'text');
  t.ok(data.usage.output_tokens > 0);
  t.ok(response.headers.get('x-termsgate-decision-id'));
  t.ok(response.headers.get('x-termsgate-provenance'));
});

t.test('messages streamed: the event sequence and the same text as unstreamed', async (t) => {
  const whole = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 300, messages });
  const stream = client.messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 300, messages });
  const types: string[] = [];
  stream.on('streamEvent', (ev) => types.push(ev.type));
  const final = await stream.finalMessage();
  t.equal(types[0], 'message_start');
  t.equal(types.at(-1), 'message_stop');
  t.ok(types.includes('content_block_delta'));
  t.ok(final.usage.output_tokens > 0, 'usage from message_delta');
  const text = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  const markPositions = (s: string) => s.replace(/(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g, '§');
  t.match(text(final), /\uDB40/, 'watermarked');
  t.equal(markPositions(text(final)), markPositions(text(whole)), 'streamed and unstreamed answers: same text, marks in the same places');
});

t.test('tool use: input untouched', async (t) => {
  const r = await client.messages.create({
    model: 'claude-3-5-haiku-latest',
    max_tokens: 300,
    tools: [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    tool_choice: { type: 'any' },
    messages: [{ role: 'user', content: 'Weather in Oslo? Use the tool.' }],
  });
  const block = r.content.find((b) => b.type === 'tool_use');
  t.ok(block, 'a tool_use block');
  t.notMatch(JSON.stringify(block), /[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/, 'no watermark in tool input');
});

t.test('models list through the Anthropic SDK', async (t) => {
  const ids: string[] = [];
  for await (const m of client.models.list()) ids.push(m.id);
  t.ok(ids.includes('claude-3-5-haiku-latest'));
});

t.test('the provider sees x-api-key with its own key and an anthropic-version', async (t) => {
  await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages });
  const last = gw.mock.received().at(-1)!;
  t.equal(last.headers['x-api-key'], gw.providerKey);
  t.ok(last.headers['anthropic-version']);
});
