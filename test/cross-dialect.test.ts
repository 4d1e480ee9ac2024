// Issue 24, translation between the OpenAI and Anthropic dialects, through the whole gateway to the mock
// provider, with the official SDK of the caller's dialect: the Anthropic SDK on an OpenAI-kind model
// (gpt-4o-mini) and the OpenAI SDK on Anthropic's native Messages API (claude-3-5-haiku-latest). Text, system,
// tools and tool results, images, stop reasons and usage, streamed and not; the watermark in the same places
// streamed and unstreamed; the audit record as for a native call; an untranslatable field a 400 naming it.
import t from 'tap';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { SELECTOR, finalRecord } from './support/gateway-calls.js';
import { until } from './support/until.js';
import type { CallRecord } from '../gateway/core/contracts.js';

let gw: DemoGateway;
let anthropic: Anthropic;
let openai: OpenAI;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const weather = { name: 'get_weather', description: 'The weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };
const marks = (s: string) => s.replace(/(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g, '§');

t.before(async () => {
  gw = await startDemoGateway();
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
});
t.teardown(() => gw.close());


const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

t.test('Anthropic SDK on an OpenAI model: system, text, usage, stop reason, watermark, audit', async (t) => {
  const { data, response } = await anthropic.messages
    .create({ model: 'gpt-4o-mini', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: 'Explain how a lighthouse works.' }] })
    .withResponse();
  t.equal(data.type, 'message');
  t.equal(data.stop_reason, 'end_turn');
  t.match(textOf(data), /\uDB40/, 'watermarked');
  t.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0, 'usage');
  const sent = gw.mock.received().at(-1)!;
  t.equal(sent.url, '/v1/chat/completions', 'the provider got a chat completion');
  t.match(sent.body, { model: 'gpt-4o-mini', max_completion_tokens: 300, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Explain how a lighthouse works.' }] });
  const record = await finalRecord(gw, response.headers.get('x-termsgate-decision-id')!);
  t.match(record, { phase: 'completed', model: 'gpt-4o-mini', provider: 'openai', status: 200, usage: { input_tokens: data.usage.input_tokens, output_tokens: data.usage.output_tokens } });
});

t.test('Anthropic SDK on an OpenAI model, streamed: the event sequence, the same marked text, usage', async (t) => {
  const body = { model: 'gpt-4o-mini', max_tokens: 300, messages: [{ role: 'user' as const, content: 'Tell me about the tides.' }] };
  const whole = await anthropic.messages.create(body);
  const stream = anthropic.messages.stream(body);
  const types: string[] = [];
  stream.on('streamEvent', (ev) => types.push(ev.type));
  const final = await stream.finalMessage();
  t.equal(types[0], 'message_start');
  t.same(types.slice(-2), ['message_delta', 'message_stop']);
  t.ok(types.includes('content_block_start') && types.includes('content_block_delta') && types.includes('content_block_stop'));
  t.equal(final.stop_reason, 'end_turn');
  t.ok(final.usage.output_tokens > 0, 'usage from message_delta');
  t.equal(marks(textOf(final)), marks(textOf(whole)), 'streamed and unstreamed: same text, marks in the same places');
});

t.test('Anthropic SDK on an OpenAI model: tools both ways, streamed and not', async (t) => {
  const ask: Anthropic.MessageParam = { role: 'user', content: 'Weather in Oslo? Use the tool.' };
  const r = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 300, tools: [weather], tool_choice: { type: 'any' }, messages: [ask] });
  t.equal(r.stop_reason, 'tool_use');
  const call = r.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
  t.ok(call && call.name === 'get_weather' && typeof call.input === 'object', 'a tool_use block with its input');
  t.notMatch(JSON.stringify(call.input), SELECTOR, 'no watermark in tool input');
  t.match(gw.mock.received().at(-1)!.body, { tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather.input_schema } }], tool_choice: 'required' });

  const stream = anthropic.messages.stream({ model: 'gpt-4o-mini', max_tokens: 300, tools: [weather], tool_choice: { type: 'any' }, messages: [ask] });
  const deltas: string[] = [];
  stream.on('streamEvent', (ev) => ev.type === 'content_block_delta' && deltas.push(ev.delta.type));
  const streamed = await stream.finalMessage();
  t.ok(deltas.includes('input_json_delta'), 'input_json_delta events');
  t.same(streamed.content.find((b) => b.type === 'tool_use') && (streamed.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock).input, call.input, 'the same input streamed');
  t.equal(streamed.stop_reason, 'tool_use');

  const after = await anthropic.messages.create({
    model: 'gpt-4o-mini',
    max_tokens: 300,
    tools: [weather],
    messages: [ask, { role: 'assistant', content: r.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 21 °C' }] }],
  });
  t.equal(after.stop_reason, 'end_turn', 'the tool result answered');
  const sent = gw.mock.received().at(-1)!.body as { messages: Record<string, unknown>[] };
  t.match(sent.messages.at(-2), { role: 'assistant', tool_calls: [{ id: call.id, function: { name: 'get_weather', arguments: JSON.stringify(call.input) } }] });
  t.same(sent.messages.at(-1), { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' });
});

t.test('Anthropic SDK on an OpenAI model: a base64 image becomes a data: URL; max_tokens stops; an untranslatable field is a 400 naming it', async (t) => {
  const r = await anthropic.messages.create({
    model: 'gpt-4o-mini',
    max_tokens: 5,
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'text', text: 'Describe this picture at length.' }] }],
  });
  t.equal(r.stop_reason, 'max_tokens');
  t.match(gw.mock.received().at(-1)!.body, { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }, { type: 'text' }] }] });
  const refused = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 50, top_k: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  t.ok(refused instanceof Anthropic.BadRequestError, 'a 400 in the Anthropic shape');
  t.match((refused as Error).message, /top_k/);
});

t.test("OpenAI SDK on Anthropic's native API: system, text, usage, finish reason, watermark, audit", async (t) => {
  const { data, response } = await openai.chat.completions
    .create({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Explain how a lighthouse works.' }] })
    .withResponse();
  t.equal(data.object, 'chat.completion');
  t.equal(data.choices[0].finish_reason, 'stop');
  t.match(data.choices[0].message.content, /\uDB40/, 'watermarked');
  t.ok(data.usage!.prompt_tokens > 0 && data.usage!.completion_tokens > 0, 'usage');
  const sent = gw.mock.received().at(-1)!;
  t.equal(sent.url, '/v1/messages', "Anthropic's native Messages API");
  t.match(sent.body, { model: 'claude-3-5-haiku-latest', system: 'Be brief.', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Explain how a lighthouse works.' }] }] });
  t.equal(sent.headers['x-api-key'], gw.providerKey);
  const record = await finalRecord(gw, response.headers.get('x-termsgate-decision-id')!);
  t.match(record, { phase: 'completed', model: 'claude-3-5-haiku-latest', provider: 'anthropic', status: 200, usage: { input_tokens: data.usage!.prompt_tokens, output_tokens: data.usage!.completion_tokens } });
});

t.test("OpenAI SDK on Anthropic's native API, streamed: chunks, the same marked text, usage only when asked", async (t) => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Tell me about the tides.' }];
  const whole = await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages, stream: true, stream_options: { include_usage: true } })) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  t.equal(finish, 'stop');
  t.ok(usage && usage.completion_tokens > 0 && usage.prompt_tokens > 0, 'usage chunk');
  t.equal(marks(text), marks(whole.choices[0].message.content!), 'streamed and unstreamed: same text, marks in the same places');
  let sawUsage = false;
  for await (const chunk of await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages, stream: true })) sawUsage ||= Boolean(chunk.usage);
  t.notOk(sawUsage, 'no usage chunk unless asked');
});

t.test("OpenAI SDK on Anthropic's native API: tools both ways, streamed and not", async (t) => {
  const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: weather.name, description: weather.description, parameters: weather.input_schema } }];
  const ask: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Oslo? Use the tool.' };
  const r = await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', tools, tool_choice: 'required', messages: [ask] });
  t.equal(r.choices[0].finish_reason, 'tool_calls');
  const call = r.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageToolCall & { function: { name: string; arguments: string } };
  t.equal(call.function.name, 'get_weather');
  t.type(JSON.parse(call.function.arguments), 'object');
  t.notMatch(call.function.arguments, SELECTOR, 'no watermark in tool arguments');
  t.match(gw.mock.received().at(-1)!.body, { tools: [{ name: 'get_weather', input_schema: weather.input_schema }], tool_choice: { type: 'any' } });

  const stream = openai.chat.completions.stream({ model: 'claude-3-5-haiku-latest', tools, tool_choice: 'required', messages: [ask] });
  const streamed = await stream.finalChatCompletion();
  t.equal(streamed.choices[0].finish_reason, 'tool_calls');
  const streamedCall = streamed.choices[0].message.tool_calls![0] as typeof call;
  t.same([streamedCall.function.name, JSON.parse(streamedCall.function.arguments)], [call.function.name, JSON.parse(call.function.arguments)], 'the same call streamed');

  const after = await openai.chat.completions.create({
    model: 'claude-3-5-haiku-latest',
    tools,
    messages: [ask, r.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' }],
  });
  t.equal(after.choices[0].finish_reason, 'stop', 'the tool result answered');
  const sent = gw.mock.received().at(-1)!.body as { messages: Record<string, unknown>[] };
  t.match(sent.messages.at(-2), { role: 'assistant', content: [{ type: 'text' }, { type: 'tool_use', id: call.id, name: 'get_weather', input: JSON.parse(call.function.arguments) }] });
  t.same(sent.messages.at(-1), { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: [{ type: 'text', text: 'Sunny, 21 °C' }] }] });
});

t.test("OpenAI SDK on Anthropic's native API: a data: URL image becomes base64; length; an untranslatable field is a 400 naming it", async (t) => {
  const r = await openai.chat.completions.create({
    model: 'claude-3-5-haiku-latest',
    max_tokens: 5,
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }, { type: 'text', text: 'Describe this picture at length.' }] }],
  });
  t.equal(r.choices[0].finish_reason, 'length');
  t.match(gw.mock.received().at(-1)!.body, { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'text' }] }] });
  const refused = await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', logprobs: true, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  t.ok(refused instanceof OpenAI.BadRequestError, 'a 400 in the OpenAI shape');
  t.match((refused as Error).message, /logprobs/);
});

t.test('provider errors come back in the caller dialect', async (t) => {
  const a = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'mock:status=429' }] }).catch((e: unknown) => e);
  t.ok(a instanceof Anthropic.RateLimitError, 'Anthropic RateLimitError from an OpenAI provider');
  const o = await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'mock:status=429' }] }).catch((e: unknown) => e);
  t.ok(o instanceof OpenAI.RateLimitError, 'OpenAI RateLimitError from an Anthropic provider');
});

t.test('count_tokens: forwarded to an Anthropic provider (the count its answer would report); a 400 naming the kind elsewhere', async (t) => {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Explain how a lighthouse works.' }];
  const { data, response } = await anthropic.messages.countTokens({ model: 'claude-3-5-haiku-latest', system: 'Be brief.', messages }).withResponse();
  const answered = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, system: 'Be brief.', messages });
  t.equal(data.input_tokens, answered.usage.input_tokens, 'the count the answer reports');
  t.equal(gw.mock.received().at(-2)!.url, '/v1/messages/count_tokens');
  t.equal(gw.mock.received().at(-2)!.headers['x-api-key'], gw.providerKey);
  const record = await finalRecord(gw, response.headers.get('x-termsgate-decision-id')!);
  t.match(record, { phase: 'completed', model: 'claude-3-5-haiku-latest', provider: 'anthropic', status: 200 });
  const refused = await anthropic.messages.countTokens({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
  t.ok(refused instanceof Anthropic.BadRequestError, 'a 400 in the Anthropic shape');
  t.match((refused as Error).message, /openai provider, which has no \/v1\/messages\/count_tokens endpoint/);
});
