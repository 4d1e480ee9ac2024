import t from 'tap';
import fc from 'fast-check';
import { bedrockChat } from './bedrock-chat.js';

t.test('request: text turns, system, inference settings; what cannot be carried is refused', async (t) => {
  t.same(
    bedrockChat.request({ model: 'm', messages: [{ role: 'developer', content: 'A' }, { role: 'user', content: [{ type: 'text', text: 'B' }] }, { role: 'assistant', content: 'C' }], max_tokens: 5, top_p: 0.9, stop: ['x'] }),
    { messages: [{ role: 'user', content: [{ text: 'B' }] }, { role: 'assistant', content: [{ text: 'C' }] }], system: [{ text: 'A' }], inferenceConfig: { maxTokens: 5, topP: 0.9, stopSequences: ['x'] } },
  );
  t.match(bedrockChat.request({ messages: [], response_format: { type: 'json_object' } }), /`response_format` is not supported/);
  t.match(bedrockChat.request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:x' } }] }] }), /only text parts/);
  t.equal(bedrockChat.path('anthropic.claude-3-haiku-20240307-v1:0', true), '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream');
});

t.test('response, stream events and errors', async (t) => {
  t.match(bedrockChat.response({ output: { message: { content: [{ text: 'Hi' }, { text: '!' }] } }, stopReason: 'guardrail_intervened', usage: { inputTokens: 2, outputTokens: 3 } }, 'm'), {
    choices: [{ message: { content: 'Hi!' }, finish_reason: 'content_filter' }],
    usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
  });
  const events = bedrockChat.streamEvents('m');
  t.match(JSON.parse(events({ event: 'messageStart', data: '{"role":"assistant"}' })[0].data), { choices: [{ delta: { role: 'assistant' } }] });
  t.match(JSON.parse(events({ event: 'contentBlockDelta', data: '{"delta":{"text":"x"}}' })[0].data), { choices: [{ delta: { content: 'x' } }] });
  t.match(JSON.parse(events({ event: 'messageStop', data: '{"stopReason":"max_tokens"}' })[0].data), { choices: [{ finish_reason: 'length' }] });
  t.same(events({ event: 'metadata', data: '{"usage":{"inputTokens":1,"outputTokens":2}}' }).map((e) => (e.data === '[DONE]' ? e.data : JSON.parse(e.data).usage)), [{ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, '[DONE]']);
  t.match(JSON.parse(events({ event: 'exception', data: '{"exception":"ModelStreamErrorException","message":"boom"}' })[0].data), { error: { message: /ModelStreamErrorException: boom/ } });
  t.match(JSON.parse(bedrockChat.error(429, '{"message":"Too many requests"}').text), { error: { message: 'Too many requests' } });
});

t.test('property: no body, answer or event makes the translation throw', async () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), fc.constantFrom('messageStart', 'contentBlockDelta', 'messageStop', 'metadata', 'exception', 'other'), (a, b, event) => {
      bedrockChat.request({ messages: Array.isArray(a) ? a : [a], stop: b } as Record<string, unknown>);
      bedrockChat.response({ output: a, usage: b, stopReason: a } as Record<string, unknown>, 'm');
      bedrockChat.streamEvents('m')({ event, data: JSON.stringify(a) });
      bedrockChat.error(500, JSON.stringify(b));
    }),
    { numRuns: 300 },
  );
});
