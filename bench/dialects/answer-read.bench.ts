// Cost of reading a provider's answer through its endpoint adapter (shape checks included: answer-shape.ts),
// per answer and per KB of text, unmarked; once per answer (JSON) or per event (stream) on the request path.
// Run: npx tsx bench/dialects/answer-read.bench.ts
import { anthropicMessages } from '../../gateway/dialects/anthropic-messages.js';
import { openaiChat } from '../../gateway/dialects/openai-chat.js';
import { emptyOutput } from '../../gateway/dialects/types.js';
import { createOutputMarker } from '../../gateway/provenance/marker.js';
import { randomBytes } from 'node:crypto';

const words = 'The keeper climbed the stairs at dusk and lit the lamp for the ships. ';
const text = words.repeat(Math.ceil(4096 / words.length)).slice(0, 4096);
const kb = text.length / 1024;
const chat = () => ({ id: 'c', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 900 } });
const anthropic = () => ({ id: 'm', type: 'message', content: [{ type: 'text', text }], usage: { input_tokens: 10, output_tokens: 900 } });
const deltas = Array.from({ length: 64 }, (_, i) => ({ data: JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: text.slice(i * 64, i * 64 + 64) }, finish_reason: null }] }) }));
// As the mock provider and OpenAI send them: the same chunk around each token.
const head = { id: 'chatcmpl-AbC123', object: 'chat.completion.chunk', created: 1733400000, model: 'gpt-4o-mini', service_tier: 'default', system_fingerprint: 'fp_44709d6fcb' };
const tokens = text.split(/(?= )/).slice(0, 64);
const providerDeltas = [{ role: 'assistant', content: '', refusal: null }, ...tokens.map((content) => ({ content }))].map((delta) => ({ data: JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] }) }));
const marker = createOutputMarker({ decisionId: '0190a0b0-0000-7000-8000-000000000003', licenceClass: 'never', trainable: false }, { keyId: 'abcd', macSecret: randomBytes(32) });
const antDeltas = Array.from({ length: 64 }, (_, i) => ({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(i * 64, i * 64 + 64) } }) }));

function usPer(n: number, fn: () => void): number {
  for (let i = 0; i < n / 10; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

for (let round = 1; round <= 3; round++) {
  const json = usPer(100_000, () => openaiChat.transformJson(chat(), null, emptyOutput()));
  const ant = usPer(100_000, () => anthropicMessages.transformJson(anthropic(), null, emptyOutput()));
  const stream = usPer(5_000, () => {
    const tr = openaiChat.streamTransformer(null, emptyOutput(), { stream: true });
    for (const d of deltas) tr.event(d);
  });
  const antStream = usPer(5_000, () => {
    const tr = anthropicMessages.streamTransformer(null, emptyOutput(), {});
    for (const d of antDeltas) tr.event(d);
  });
  const provider = usPer(5_000, () => {
    const tr = openaiChat.streamTransformer(marker, emptyOutput(), { stream: true });
    for (const d of providerDeltas) tr.event(d);
  });
  console.log(`round ${round}: chat stream as providers send it, marked: ${(provider / providerDeltas.length).toFixed(3)} µs/event (${providerDeltas.length} events of ~${providerDeltas[1].data.length} bytes)`);
  console.log(`round ${round}: chat JSON ${json.toFixed(2)} µs/answer; Anthropic JSON ${ant.toFixed(2)} µs/answer; chat stream ${(stream / kb).toFixed(2)} µs/KB (64 events); Anthropic stream ${(antStream / kb).toFixed(2)} µs/KB (64 events)`);
}
