// The mock as the official @anthropic-ai/sdk sees it.
import t from 'tap';
import Anthropic from '@anthropic-ai/sdk';
import { startMockUpstream } from './index.js';

const mock = await startMockUpstream({ apiKey: 'sk-ant-provider' });
t.teardown(() => mock.close());
const client = new Anthropic({ baseURL: mock.url, apiKey: 'sk-ant-provider', maxRetries: 0 });

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city'] },
};

t.test('message, whole', async (t) => {
  const msg = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 1024, messages: [{ role: 'user', content: 'Tell me about the budget.' }] });
  t.equal(msg.type, 'message');
  t.equal(msg.role, 'assistant');
  t.match(msg.id, /^msg_/);
  t.equal(msg.stop_reason, 'end_turn');
  const block = msg.content[0];
  if (block.type !== 'text') return t.fail('text block expected');
  const words = block.text.split(/\s+/).length;
  t.ok(words >= 50 && words <= 130, `about 60-120 words (${words})`);
  t.equal(msg.usage.output_tokens, Math.round(words * 1.3));
  t.ok(msg.usage.input_tokens > 0);
  const headers = mock.received().at(-1)?.headers ?? {};
  t.ok(headers['x-api-key'] === 'sk-ant-provider' || headers.authorization === 'Bearer sk-ant-provider', 'the SDK sent its key');
  t.type(headers['anthropic-version'], 'string');
});

t.test('message, streamed: event sequence and same text as whole', async (t) => {
  const body = { model: 'claude-3-5-haiku-latest', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Stream the budget.' }] };
  const whole = await client.messages.create(body);
  const stream = await client.messages.create({ ...body, stream: true });
  const types: string[] = [];
  let text = '';
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  const distinct = types.filter((x, i) => x !== types[i - 1]);
  // The SDK swallows ping events; the raw stream below shows them.
  t.same(distinct, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  const raw = await fetch(`${mock.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': 'sk-ant-provider', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  t.match(raw.headers.get('content-type'), /^text\/event-stream/);
  const rawEvents = [...(await raw.text()).matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
  t.same(
    rawEvents.filter((x, i) => x !== rawEvents[i - 1]),
    ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
  );
  t.ok(types.filter((x) => x === 'content_block_delta').length > 20, 'word-sized deltas');
  const first = whole.content[0];
  t.equal(text, first.type === 'text' ? first.text : '');

  const helper = client.messages.stream(body);
  const final = await helper.finalMessage();
  t.same(final.content, whole.content, 'the SDK stream helper accumulates the same message');
  t.equal(final.usage.output_tokens, whole.usage.output_tokens, 'usage agrees between stream and whole');
  t.equal(final.stop_reason, 'end_turn');
});

t.test('tool_use, whole and streamed with input_json_delta', async (t) => {
  const body = { model: 'claude-3-5-haiku-latest', max_tokens: 1024, tools: [weatherTool], messages: [{ role: 'user' as const, content: 'Use the get_weather tool for Berlin.' }] };
  const whole = await client.messages.create(body);
  t.equal(whole.stop_reason, 'tool_use');
  const use = whole.content.find((b) => b.type === 'tool_use');
  if (use?.type !== 'tool_use') return t.fail('tool_use block expected');
  t.match(use.id, /^toolu_/);
  t.equal(use.name, 'get_weather');
  const input = use.input as { city: string; days: number };
  t.equal(input.city, 'Berlin');
  t.ok(Number.isInteger(input.days) && input.days >= 1 && input.days <= 7);

  let jsonDeltas = 0;
  const helper = client.messages.stream(body);
  helper.on('streamEvent', (e) => {
    if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') jsonDeltas++;
  });
  const final = await helper.finalMessage();
  t.ok(jsonDeltas > 1, `input arrives in pieces (${jsonDeltas})`);
  t.same(final.content, whole.content);

  const answered = await client.messages.create({
    ...body,
    messages: [
      ...body.messages,
      { role: 'assistant', content: whole.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"temp": 4}' }] },
    ],
  });
  t.equal(answered.stop_reason, 'end_turn', 'a tool result is answered in prose');
});

t.test('max_tokens truncates with stop_reason max_tokens', async (t) => {
  const msg = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 13, messages: [{ role: 'user', content: 'Long answer please.' }] });
  t.equal(msg.stop_reason, 'max_tokens');
  t.ok(msg.usage.output_tokens <= 13);
});

t.test('errors in the Anthropic dialect', async (t) => {
  const wrong = new Anthropic({ baseURL: mock.url, apiKey: 'nope', maxRetries: 0 });
  const auth = await wrong.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  t.ok(auth instanceof Anthropic.AuthenticationError);
  t.same((auth as InstanceType<typeof Anthropic.APIError>).error, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' }, request_id: (auth as { error: { request_id: string } }).error.request_id });

  const limited = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: 'hi mock:status=529' }] }).catch((e: unknown) => e);
  t.ok(limited instanceof Anthropic.APIError);
  t.equal((limited as InstanceType<typeof Anthropic.APIError>).status, 529);
  t.match((limited as InstanceType<typeof Anthropic.APIError>).error, { type: 'error', error: { type: 'overloaded_error' } });
});
