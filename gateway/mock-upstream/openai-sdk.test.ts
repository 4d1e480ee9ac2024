// The mock as the official openai npm SDK sees it.
import t from 'tap';
import OpenAI from 'openai';
import { startMockUpstream } from './index.js';
import { DEFAULT_MODELS } from './models.js';

const mock = await startMockUpstream({ apiKey: 'sk-provider' });
t.teardown(() => mock.close());
const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-provider', maxRetries: 0 });

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'] },
  },
};

t.test('chat completion, whole, with logprobs', async (t) => {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Tell me about the economy.' }],
    logprobs: true,
    top_logprobs: 3,
  });
  t.equal(res.object, 'chat.completion');
  t.match(res.id, /^chatcmpl-/);
  const choice = res.choices[0];
  t.equal(choice.finish_reason, 'stop');
  const text = choice.message.content ?? '';
  const words = text.split(/\s+/).length;
  t.ok(words >= 50 && words <= 130, `about 60-120 words (${words})`);
  t.match(text, /^[A-Z].*[.!?]$/s, 'sentences, capitalised and punctuated');
  const lp = choice.logprobs?.content ?? [];
  t.equal(lp.map((e) => e.token).join(''), text, 'logprob tokens spell the text');
  t.ok(lp.every((e) => e.logprob <= 0 && e.top_logprobs.length === 3 && e.top_logprobs[0].token === e.token));
  t.equal(res.usage?.completion_tokens, Math.round(words * 1.3));
  t.equal(res.usage?.total_tokens, (res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
});

t.test('chat completion, streamed, with include_usage and logprobs, matches the whole answer', async (t) => {
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Streaming please.' }] };
  const whole = await client.chat.completions.create(body);
  const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true }, logprobs: true, top_logprobs: 2 });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  t.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  t.equal(chunks[0].choices[0].delta.role, 'assistant', 'role chunk first');
  const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  t.equal(content, whole.choices[0].message.content);
  t.ok(chunks.length > 20, 'word-sized chunks');
  const withLogprobs = chunks.filter((c) => c.choices[0]?.delta.content);
  t.ok(withLogprobs.every((c) => c.choices[0].logprobs?.content?.[0].top_logprobs.length === 2));
  const finish = chunks.at(-2);
  t.equal(finish?.choices[0].finish_reason, 'stop');
  const last = chunks.at(-1);
  t.same(last?.choices, [], 'usage chunk has no choices');
  t.same(last?.usage, whole.usage, 'usage agrees between stream and whole');
});

t.test('tool call, whole', async (t) => {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'What is the weather in Paris? Use the tool.' }],
    tools: [weatherTool],
  });
  const choice = res.choices[0];
  t.equal(choice.finish_reason, 'tool_calls');
  t.equal(choice.message.content, null);
  const call = choice.message.tool_calls?.[0];
  t.equal(call?.type, 'function');
  if (call?.type !== 'function') return;
  t.match(call.id, /^call_/);
  t.equal(call.function.name, 'get_weather');
  const args = JSON.parse(call.function.arguments);
  t.equal(args.city, 'Paris', 'string argument taken from the prompt');
  t.ok(['celsius', 'fahrenheit'].includes(args.unit), 'enum respected');
});

t.test('no tool call unless asked or forced; a tool result gets prose', async (t) => {
  const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say something.' }], tools: [weatherTool] });
  t.equal(plain.choices[0].finish_reason, 'stop');
  const forced = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say something.' }],
    tools: [weatherTool],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
  });
  t.equal(forced.choices[0].finish_reason, 'tool_calls');
  const answered = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    tools: [weatherTool],
    messages: [
      { role: 'user', content: 'Weather in Oslo? Use the tool.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 3}' },
    ],
  });
  t.equal(answered.choices[0].finish_reason, 'stop');
  t.ok((answered.choices[0].message.content ?? '').length > 0);
});

t.test('tool call, streamed as argument deltas', async (t) => {
  const runner = client.chat.completions.stream({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Use get_weather for Lisbon.' }],
    tools: [weatherTool],
  });
  let deltas = 0;
  runner.on('chunk', (c) => {
    if (c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments) deltas++;
  });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls?.[0];
  t.ok(deltas > 2, `arguments arrive in pieces (${deltas})`);
  t.equal(final.choices[0].finish_reason, 'tool_calls');
  if (call?.type !== 'function') return t.fail('function call expected');
  t.equal(JSON.parse(call.function.arguments).city, 'Lisbon');
});

t.test('JSON mode and json_schema', async (t) => {
  const obj = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Answer in JSON.' }],
    response_format: { type: 'json_object' },
  });
  t.type(JSON.parse(obj.choices[0].message.content ?? '').answer, 'string');
  const schema = {
    type: 'object',
    properties: { title: { type: 'string' }, year: { type: 'integer', minimum: 1900, maximum: 2000 }, tags: { type: 'array', items: { type: 'string' } }, ok: { type: 'boolean' } },
    required: ['title', 'year', 'tags', 'ok'],
    additionalProperties: false,
  };
  const parsed = await client.chat.completions.parse({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Give me a record.' }],
    response_format: { type: 'json_schema', json_schema: { name: 'record', schema, strict: true } },
  });
  const value = parsed.choices[0].message.parsed as { title: string; year: number; tags: string[]; ok: boolean };
  t.type(value.title, 'string');
  t.ok(Number.isInteger(value.year) && value.year >= 1900 && value.year <= 2000);
  t.ok(Array.isArray(value.tags) && value.tags.every((x) => typeof x === 'string'));
  t.type(value.ok, 'boolean');
});

t.test('code is answered with a fenced block and inline code', async (t) => {
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write a Python function that filters records.' }] });
  const text = res.choices[0].message.content ?? '';
  t.match(text, /```python\n[\s\S]+\n```/);
  t.match(text, /`[^`\n]+`/);
});

t.test('determinism: same prompt same text, different prompt different text', async (t) => {
  const ask = async (content: string, model = 'gpt-4o-mini') =>
    (await client.chat.completions.create({ model, messages: [{ role: 'user', content }] })).choices[0].message.content;
  const a = await ask('What should Congress do?');
  t.equal(await ask('What should Congress do?'), a);
  t.not(await ask('What should the Senate do?'), a);
  t.not(await ask('What should Congress do?', 'llama-3.1-8b-instruct'), a, 'the model is part of the seed');
});

t.test('deepseek-r1 streams reasoning_content before the answer', async (t) => {
  const stream = await client.chat.completions.create({ model: 'deepseek-r1', messages: [{ role: 'user', content: 'Think first.' }], stream: true });
  const order: string[] = [];
  for await (const c of stream) {
    const delta = c.choices[0]?.delta as { reasoning_content?: string; content?: string } | undefined;
    if (delta?.reasoning_content) order.push('r');
    else if (delta?.content) order.push('c');
  }
  const joined = order.join('');
  t.match(joined, /^r+c+$/);
});

t.test('Responses API, whole', async (t) => {
  const res = await client.responses.create({ model: 'gpt-4o-mini', input: 'Describe the state of the union.', instructions: 'Be brief.' });
  t.equal(res.object, 'response');
  t.equal(res.status, 'completed');
  t.ok(res.output_text.split(' ').length > 40);
  const item = res.output[0];
  t.equal(item.type, 'message');
  t.ok((res.usage?.output_tokens ?? 0) > 0);
  t.equal(res.usage?.total_tokens, (res.usage?.input_tokens ?? 0) + (res.usage?.output_tokens ?? 0));
});

t.test('Responses API, streamed event sequence', async (t) => {
  const whole = await client.responses.create({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'Stream the union.' }] });
  const stream = await client.responses.create({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'Stream the union.' }], stream: true });
  const types: string[] = [];
  const sequence: number[] = [];
  let text = '';
  let completedUsage;
  for await (const event of stream) {
    types.push(event.type);
    sequence.push(event.sequence_number);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completedUsage = event.response.usage;
  }
  const distinct = types.filter((x, i) => x !== types[i - 1]);
  t.same(distinct, [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
    'response.output_text.delta',
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  t.same(sequence, sequence.map((_, i) => i), 'sequence numbers count up from 0');
  t.equal(text, whole.output_text);
  t.same(completedUsage, whole.usage);

  const helper = client.responses.stream({ model: 'gpt-4o-mini', input: 'Stream the union.' });
  const final = await helper.finalResponse();
  t.equal(final.output_text, whole.output_text, 'the SDK stream helper accumulates the same text');
});

t.test('Responses API function call', async (t) => {
  const res = await client.responses.create({
    model: 'gpt-4o-mini',
    input: 'Use the tool for Rome.',
    tools: [{ type: 'function', name: 'get_weather', parameters: weatherTool.function.parameters, strict: false }],
  });
  const item = res.output[0];
  if (item.type !== 'function_call') return t.fail('function_call expected');
  t.equal(JSON.parse(item.arguments).city, 'Rome');
});

t.test('legacy completions, whole and streamed', async (t) => {
  const whole = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon a time', logprobs: 2 });
  t.equal(whole.object, 'text_completion');
  const text = whole.choices[0].text;
  t.ok(text.length > 100);
  t.equal(whole.choices[0].logprobs?.tokens?.join(''), text);
  const stream = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon a time', stream: true, stream_options: { include_usage: true } });
  let streamed = '';
  let usage;
  for await (const c of stream) {
    streamed += c.choices[0]?.text ?? '';
    if (c.usage) usage = c.usage;
  }
  t.equal(streamed, text);
  t.same(usage, whole.usage);
});

t.test('embeddings: base64 (SDK default) and float agree, unit length, deterministic', async (t) => {
  const b64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
  t.equal(b64.data.length, 2);
  const [a, b] = b64.data.map((d) => d.embedding);
  t.equal(a.length, 1536);
  t.ok(Math.abs(Math.hypot(...a) - 1) < 1e-5, 'unit vector');
  t.not(a[0], b[0], 'different inputs, different vectors');
  const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float' });
  t.ok(floats.data[0].embedding.every((x, i) => Math.abs(x - a[i]) < 1e-6), 'same vector either way');
  const small = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', dimensions: 256 });
  t.equal(small.data[0].embedding.length, 256);
  t.ok(b64.usage.prompt_tokens > 0);
});

t.test('models list', async (t) => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  t.same(ids, DEFAULT_MODELS);
  t.ok(ids.includes('gemma-3-12b-it') && ids.includes('grok-3-mini'), 'the demo models are listed');
  const one = await client.models.retrieve('anything-at-all');
  t.equal(one.id, 'anything-at-all');
});

t.test('provider key check and request log', async (t) => {
  const wrong = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
  const err = await wrong.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  t.ok(err instanceof OpenAI.AuthenticationError);
  t.equal((err as InstanceType<typeof OpenAI.APIError>).status, 401);
  t.equal((err as InstanceType<typeof OpenAI.APIError>).code, 'invalid_api_key');
  const last = mock.received().at(-1);
  t.equal(last?.headers.authorization, 'Bearer sk-wrong');
  t.same((last?.body as { messages: unknown }).messages, [{ role: 'user', content: 'hi' }]);
});
