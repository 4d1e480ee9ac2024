// Issue 24, Bedrock tools and images: the official SDKs through the whole gateway to the mock provider's
// Bedrock dialect (Converse and ConverseStream, SigV4 checked, requests checked as Bedrock checks them). The
// OpenAI SDK on a Bedrock model: tools both ways streamed and not (toolConfig, toolChoice, toolUse and
// toolResult blocks, contentBlockStart/Delta toolUse events), a data: URL image as an image block. The
// Anthropic SDK on Bedrock through the chained translation: the same, streamed and not. Tool arguments are
// never marked, as in the other dialects; the audit record is a native call's; a field not carried is a 400
// in the caller's dialect naming it.
import t from 'tap';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { randomBytes } from 'node:crypto';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { startMockUpstream, type MockUpstream } from '../gateway/mock-upstream/index.js';
import { SELECTOR, finalRecord } from './support/gateway-calls.js';
import { until } from './support/until.js';
import type { CallRecord } from '../gateway/core/contracts.js';

const aws = { accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: 'canary-aws-secret-' + randomBytes(12).toString('hex'), region: 'eu-west-1' };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const schema = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] };
const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters: schema } }];
const marks = (s: string) => s.replace(/(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g, '§');
const MODEL = 'claude-bedrock';
const UPSTREAM = 'anthropic.claude-3-5-haiku-20241022-v1:0';
let gw: DemoGateway;
let bedrock: MockUpstream;
let openai: OpenAI;
let anthropic: Anthropic;

t.before(async () => {
  process.env.AWS_ACCESS_KEY_ID = aws.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = aws.secretAccessKey;
  bedrock = await startMockUpstream({ aws });
  gw = await startDemoGateway((config) => {
    config.providers.bedrock = { kind: 'bedrock', baseUrl: bedrock.url, region: aws.region, licence: 'llama-3.1-8b-instruct' };
    config.models[MODEL] = { provider: 'bedrock', upstreamModel: UPSTREAM };
  });
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
});
t.teardown(async () => {
  await gw.close();
  await bedrock.close();
});

const sent = () => bedrock.received().at(-1)!;


t.test('OpenAI SDK on Bedrock: a tool call, its result, and the answer after it', async (t) => {
  const ask: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Oslo? Use the tool.' };
  const { data: r, response } = await openai.chat.completions.create({ model: MODEL, tools, tool_choice: 'required', messages: [ask] }).withResponse();
  t.equal(r.choices[0].finish_reason, 'tool_calls');
  const call = r.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageToolCall & { function: { name: string; arguments: string } };
  t.equal(call.function.name, 'get_weather');
  t.match(call.id, /^tooluse_/, "Bedrock's toolUseId is the call id");
  t.type(JSON.parse(call.function.arguments).city, 'string');
  t.notMatch(call.function.arguments, SELECTOR, 'no watermark in tool arguments');
  t.match(r.choices[0].message.content, /get_weather/, 'the sentence before the call');
  t.equal(sent().url, `/model/${encodeURIComponent(UPSTREAM)}/converse`);
  t.same((sent().body as Record<string, unknown>).toolConfig, { tools: [{ toolSpec: { name: 'get_weather', description: 'The weather in a city', inputSchema: { json: schema } } }], toolChoice: { any: {} } });
  const record = await finalRecord(gw, response.headers.get('x-termsgate-decision-id')!);
  t.match(record, { phase: 'completed', model: MODEL, provider: 'bedrock', status: 200, usage: { input_tokens: r.usage!.prompt_tokens, output_tokens: r.usage!.completion_tokens } });

  const after = await openai.chat.completions.create({ model: MODEL, tools, messages: [ask, r.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' }] });
  t.equal(after.choices[0].finish_reason, 'stop', 'the tool result answered in prose');
  t.ok(after.choices[0].message.content!.length > 20);
  const turns = (sent().body as { messages: Record<string, unknown>[] }).messages;
  t.match(turns[1], { role: 'assistant', content: [{ text: /get_weather/ }, { toolUse: { toolUseId: call.id, name: 'get_weather', input: JSON.parse(call.function.arguments) } }] });
  t.same(turns[2], { role: 'user', content: [{ toolResult: { toolUseId: call.id, content: [{ text: 'Sunny, 21 °C' }], status: 'success' } }] });
});

t.test('OpenAI SDK on Bedrock, streamed: toolUse events become tool-call chunks, the same call as unstreamed', async (t) => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Bergen? Use the tool.' }];
  const whole = await openai.chat.completions.create({ model: MODEL, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } }, messages });
  const stream = openai.chat.completions.stream({ model: MODEL, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } }, messages });
  const streamed = await stream.finalChatCompletion();
  t.equal(sent().url, `/model/${encodeURIComponent(UPSTREAM)}/converse-stream`);
  t.match((sent().body as Record<string, unknown>).toolConfig, { toolChoice: { tool: { name: 'get_weather' } } });
  t.equal(streamed.choices[0].finish_reason, 'tool_calls');
  const [a, b] = [whole, streamed].map((c) => c.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageToolCall & { function: { name: string; arguments: string } });
  t.same([b.id, b.function.name, b.function.arguments], [a.id, a.function.name, a.function.arguments], 'the same call, arguments byte for byte');
  t.notMatch(b.function.arguments, SELECTOR, 'no watermark in streamed tool arguments');
  t.equal(marks(streamed.choices[0].message.content ?? ''), marks(whole.choices[0].message.content ?? ''), 'the text before the call marked in the same places');
});

t.test('OpenAI SDK on Bedrock: a data: URL image becomes an image block; what Bedrock cannot take is a 400 naming it', async (t) => {
  const r = await openai.chat.completions.create({
    model: MODEL,
    max_tokens: 5,
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }, { type: 'text', text: 'Describe this picture at length.' }] }],
  });
  t.equal(r.choices[0].finish_reason, 'length');
  t.same((sent().body as { messages: unknown[] }).messages, [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: PNG } } }, { text: 'Describe this picture at length.' }] }]);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }, /image_url\.url must be a base64 data: URL/],
    [{ messages: [{ role: 'user', content: 'hi' }], tools, tool_choice: 'none' }, /`tool_choice`/],
    [{ messages: [{ role: 'user', content: 'hi' }], seed: 7 }, /`seed`/],
    [{ messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' } }, /`response_format`/],
  ];
  for (const [body, reason] of cases) {
    const refused = await openai.chat.completions.create({ model: MODEL, ...body } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming).catch((e: unknown) => e);
    t.ok(refused instanceof OpenAI.BadRequestError, `a 400 in the OpenAI shape: ${reason}`);
    t.match((refused as Error).message, reason);
  }
});

t.test('Anthropic SDK on Bedrock: tools both ways, streamed and not, and a base64 image', async (t) => {
  const weather = { name: 'get_weather', description: 'The weather in a city', input_schema: schema };
  const ask: Anthropic.MessageParam = { role: 'user', content: 'Weather in Oslo? Use the tool.' };
  const { data: r, response } = await anthropic.messages.create({ model: MODEL, max_tokens: 300, tools: [weather], tool_choice: { type: 'any' }, messages: [ask] }).withResponse();
  t.equal(r.stop_reason, 'tool_use');
  const call = r.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
  t.ok(call && call.name === 'get_weather' && typeof (call.input as { city?: unknown }).city === 'string', 'a tool_use block with its input');
  t.notMatch(JSON.stringify(call.input), SELECTOR, 'no watermark in tool input');
  t.match(sent().body, { toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: schema } } }], toolChoice: { any: {} } } });
  const record = await finalRecord(gw, response.headers.get('x-termsgate-decision-id')!);
  t.match(record, { phase: 'completed', model: MODEL, provider: 'bedrock', status: 200, usage: { input_tokens: r.usage.input_tokens, output_tokens: r.usage.output_tokens } });

  const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 300, tools: [weather], tool_choice: { type: 'any' }, messages: [ask] });
  const deltas: string[] = [];
  stream.on('streamEvent', (ev) => ev.type === 'content_block_delta' && deltas.push(ev.delta.type));
  const streamed = await stream.finalMessage();
  t.ok(deltas.includes('input_json_delta'), 'input_json_delta events from contentBlockDelta toolUse fragments');
  t.equal(streamed.stop_reason, 'tool_use');
  t.same((streamed.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock).input, call.input, 'the same input streamed');

  const after = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 300,
    tools: [weather],
    messages: [ask, { role: 'assistant', content: r.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 21 °C' }] }],
  });
  t.equal(after.stop_reason, 'end_turn', 'the tool result answered');
  const turns = (sent().body as { messages: Record<string, unknown>[] }).messages;
  t.match(turns[1], { role: 'assistant', content: [{ text: /get_weather/ }, { toolUse: { toolUseId: call.id, name: 'get_weather', input: call.input } }] });
  t.same(turns[2], { role: 'user', content: [{ toolResult: { toolUseId: call.id, content: [{ text: 'Sunny, 21 °C' }], status: 'success' } }] });

  const pictured = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 5,
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'text', text: 'Describe this picture at length.' }] }],
  });
  t.equal(pictured.stop_reason, 'max_tokens');
  t.match(sent().body, { messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: PNG } } }, { text: 'Describe this picture at length.' }] }] });
});

t.test('Anthropic SDK on Bedrock: what either translation cannot carry is a 400 in the Anthropic shape naming it', async (t) => {
  const base = { model: MODEL, max_tokens: 50, messages: [{ role: 'user' as const, content: 'hi' }] };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: { type: 'none' } }, /`tool_choice`/],
    [{ tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: { type: 'auto', disable_parallel_tool_use: true } }, /parallel_tool_calls/],
    [{ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }] }] }, /base64 data: URL/],
    [{ top_k: 5 }, /top_k/],
  ];
  for (const [extra, reason] of cases) {
    const refused = await anthropic.messages.create({ ...base, ...extra } as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((e: unknown) => e);
    t.ok(refused instanceof Anthropic.BadRequestError, `a 400 in the Anthropic shape: ${reason}`);
    t.match((refused as Error).message, reason);
  }
});
