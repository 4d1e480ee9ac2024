// What carrying an OpenAI chat call to the Gemini API or Bedrock (issue 24) adds to it, in microseconds: the request
// translated once, and the answer translated back (whole, or per stream event). Run:
//   npx tsx bench/upstream/translation.bench.ts
import { geminiChat } from '../../gateway/dialects/gemini-chat.js';
import { bedrockChat } from '../../gateway/dialects/bedrock-chat.js';
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
