// What carrying an OpenAI chat call to the Gemini API, Bedrock (text, and tools) or Anthropic, or an Anthropic
// messages call to an OpenAI-shaped provider or Bedrock (issue 24) adds to it, in microseconds: the request
// translated once, and the answer translated back (whole, or per stream event). Run:
//   npx tsx bench/upstream/translation.bench.ts
import { geminiChat } from '../../gateway/dialects/gemini-chat.js';
import { bedrockChat } from '../../gateway/dialects/bedrock-chat.js';
import { anthropicChat } from '../../gateway/dialects/anthropic-chat.js';
import { openaiMessages } from '../../gateway/dialects/openai-messages.js';
import { chained } from '../../gateway/dialects/chained-translation.js';
import { awsEventStreamToSse } from '../../gateway/upstream/aws-event-stream.js';
import { EventStreamCodec } from '@smithy/eventstream-codec';

const N = 50_000;
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 97}`).join(' ');
const request = {
  model: 'gemini-2.0-flash',
  messages: [
    { role: 'system', content: 'You are a careful assistant.' },
    { role: 'user', content: words(150) },
    { role: 'assistant', content: words(120) },
    { role: 'user', content: words(60) },
  ],
  max_tokens: 512,
  temperature: 0.3,
  stream: true,
  stream_options: { include_usage: true },
};
const answer = { candidates: [{ content: { parts: [{ text: words(200) }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 420, candidatesTokenCount: 260, totalTokenCount: 680 }, modelVersion: 'gemini-2.0-flash', responseId: 'r1' };
const event = { data: JSON.stringify({ candidates: [{ content: { parts: [{ text: ' word' }], role: 'model' }, index: 0 }], modelVersion: 'gemini-2.0-flash', responseId: 'r1' }) };

function measure(label: string, fn: () => unknown): void {
  for (let i = 0; i < 5_000; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  console.log(`${label.padEnd(52)} ${(Number(process.hrtime.bigint() - t0) / 1000 / N).toFixed(2)} µs per call (n=${N})`);
}

measure('request: chat (4 messages, ~2.4 KB) → generateContent', () => geminiChat.request(request));
measure('answer: generateContent (~1.6 KB) → chat.completion', () => geminiChat.response(answer, 'gemini-2.0-flash'));
const translate = geminiChat.streamEvents('gemini-2.0-flash');
measure('stream: one Gemini event → chat.completion.chunk', () => translate(event));

const converse = { output: { message: { role: 'assistant', content: [{ text: words(200) }] } }, stopReason: 'end_turn', usage: { inputTokens: 420, outputTokens: 260, totalTokens: 680 } };
measure('request: chat (4 messages, ~2.4 KB) → Converse', () => bedrockChat.request(request));
measure('answer: Converse (~1.6 KB) → chat.completion', () => bedrockChat.response(converse, 'meta.llama3'));
const codec = new EventStreamCodec((b) => new TextDecoder().decode(b), (t) => new TextEncoder().encode(t));
const frame = codec.encode({
  headers: { ':event-type': { type: 'string', value: 'contentBlockDelta' }, ':message-type': { type: 'string', value: 'event' } },
  body: new TextEncoder().encode(JSON.stringify({ contentBlockIndex: 0, delta: { text: ' word' } })),
});
const reframe = awsEventStreamToSse();
const events = bedrockChat.streamEvents('meta.llama3');
measure('stream: one event-stream message → SSE (CRC-checked)', () => reframe(frame));
measure('stream: one ConverseStream event → chat.completion.chunk', () => events({ event: 'contentBlockDelta', data: '{"contentBlockIndex":0,"delta":{"text":" word"}}' }));

// Tools on Bedrock: three tools offered, one tool round in the history (an assistant call and its result).
const schema = { type: 'object', properties: { city: { type: 'string', description: words(8) }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] };
const toolList = ['get_weather', 'get_time', 'find_place'].map((name) => ({ type: 'function', function: { name, description: words(12), parameters: schema } }));
const toolRequest = {
  ...request,
  tools: toolList,
  tool_choice: 'auto',
  messages: [
    ...request.messages,
    { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":"c"}' } }] },
    { role: 'tool', tool_call_id: 'tooluse_1', content: words(30) },
  ],
};
console.log(`(tool request ${(JSON.stringify(toolRequest).length / 1024).toFixed(1)} KB)`);
measure('request: chat + 3 tools + a tool round (~3.9 KB) → Converse', () => bedrockChat.request(toolRequest));
const toolAnswer = { output: { message: { role: 'assistant', content: [{ text: 'I will look.' }, { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Bergen', unit: 'c' } } }] } }, stopReason: 'tool_use', usage: { inputTokens: 420, outputTokens: 30, totalTokens: 450 } };
measure('answer: Converse text + toolUse → chat.completion tool_calls', () => bedrockChat.response(toolAnswer, 'meta.llama3'));
const toolEvents = bedrockChat.streamEvents('meta.llama3');
toolEvents({ event: 'contentBlockStart', data: '{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_2","name":"get_weather"}}}' });
measure('stream: one toolUse input fragment → tool_calls chunk', () => toolEvents({ event: 'contentBlockDelta', data: '{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\\"city\\":"}}}' }));
const anthropicOnBedrock = chained(openaiMessages('bedrock'), bedrockChat);
const anthropicToolRequest = {
  model: 'm',
  system: 'You are a careful assistant.',
  max_tokens: 512,
  tools: toolList.map((t) => ({ name: t.function.name, description: t.function.description, input_schema: schema })),
  tool_choice: { type: 'auto' },
  messages: [
    ...request.messages.slice(1),
    { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo', unit: 'c' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tooluse_1', content: words(30) }] },
  ],
};
measure('request: Anthropic messages + tools (chained) → Converse', () => anthropicOnBedrock.request(anthropicToolRequest));
measure('answer: Converse toolUse → Anthropic message (chained)', () => anthropicOnBedrock.response(toolAnswer, 'meta.llama3'));

const messagesAnswer = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-3-5-haiku', content: [{ type: 'text', text: words(200) }], stop_reason: 'end_turn', usage: { input_tokens: 420, output_tokens: 260 } };
measure('request: chat (4 messages, ~2.4 KB) → Anthropic messages', () => anthropicChat.request(request));
measure('answer: Anthropic message (~1.6 KB) → chat.completion', () => anthropicChat.response(messagesAnswer, 'claude-3-5-haiku'));
const fromAnthropic = anthropicChat.streamEvents('claude-3-5-haiku');
const textDelta = { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' word' } }) };
measure('stream: one Anthropic text_delta → chat.completion.chunk', () => fromAnthropic(textDelta));

const toOpenai = openaiMessages('openai');
const messagesRequest = { model: 'gpt-4o-mini', system: 'You are a careful assistant.', messages: request.messages.slice(1), max_tokens: 512, temperature: 0.3, stream: true };
const chatAnswer = { id: 'c1', object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: words(200) }, finish_reason: 'stop' }], usage: { prompt_tokens: 420, completion_tokens: 260, total_tokens: 680 } };
measure('request: messages (3 turns + system, ~2.4 KB) → chat', () => toOpenai.request(messagesRequest));
measure('answer: chat.completion (~1.6 KB) → Anthropic message', () => toOpenai.response(chatAnswer, 'gpt-4o-mini'));
const fromOpenai = toOpenai.streamEvents('gpt-4o-mini');
fromOpenai({ data: JSON.stringify({ id: 'c1', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) });
const contentChunk = { data: JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: ' word' }, finish_reason: null }] }) };
measure('stream: one chat chunk → Anthropic text_delta', () => fromOpenai(contentChunk));
