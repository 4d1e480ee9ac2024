import t from 'tap';
import fc from 'fast-check';
import { geminiChat } from './gemini-chat.js';

t.test('request: messages, images, settings, JSON output', async (t) => {
  t.same(
    geminiChat.request({
      model: 'm',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'A' }] },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } }] },
        { role: 'assistant', content: 'seen' },
      ],
      max_completion_tokens: 9,
      top_p: 0.5,
      stop: 'x',
      response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' } } },
      stream: true,
      stream_options: { include_usage: true },
    }),
    {
      systemInstruction: { parts: [{ text: 'A' }] },
      contents: [
        { role: 'user', parts: [{ text: 'look' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0K' } }] },
        { role: 'model', parts: [{ text: 'seen' }] },
      ],
      generationConfig: { maxOutputTokens: 9, topP: 0.5, stopSequences: ['x'], responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } },
    },
  );
  t.match(geminiChat.request({ messages: [{ role: 'tool', content: 'r' }] }), /role `tool` is not supported/);
  t.match(geminiChat.request({ messages: [], n: 2 }), /`n` other than 1/);
});

t.test('response and stream: finish reasons, usage, blocked prompts, thoughts left out', async (t) => {
  const r = geminiChat.response(
    { candidates: [{ content: { parts: [{ text: 'thinking', thought: true }, { text: 'Hi' }] }, finishReason: 'MAX_TOKENS' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, thoughtsTokenCount: 2, totalTokenCount: 9 } },
    'gemini-x',
  );
  t.match(r, { model: 'gemini-x', choices: [{ message: { content: 'Hi' }, finish_reason: 'length' }], usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 } });
  t.match(geminiChat.response({ promptFeedback: { blockReason: 'SAFETY' } }, 'g'), { choices: [{ message: { content: '' }, finish_reason: 'content_filter' }] });
  const events = geminiChat.streamEvents('g');
  const first = events({ data: JSON.stringify({ candidates: [{ content: { parts: [{ text: 'A' }] } }] }) });
  t.match(JSON.parse(first[0].data), { choices: [{ delta: { role: 'assistant', content: 'A' }, finish_reason: null }] });
  const last = events({ data: JSON.stringify({ candidates: [{ content: { parts: [{ text: 'B' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2 } }) });
  t.same(last.map((e) => e.data === '[DONE]' ? '[DONE]' : JSON.parse(e.data).choices.length), [1, 1, 0, '[DONE]'], 'text, finish, usage, [DONE]');
});

t.test('error: the message kept in OpenAI shape; a refused API key is the gateway credential', async (t) => {
  const e = geminiChat.error(429, JSON.stringify({ error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }));
  t.equal(e.status, 429);
  t.match(JSON.parse(e.text), { error: { message: 'Quota exceeded' } });
  t.equal(geminiChat.error(400, JSON.stringify({ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } })).status, 401);
  t.equal(geminiChat.error(500, 'not json').status, 500);
});

t.test('property: no body, answer or event makes the translation throw', async () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const body = { messages: Array.isArray(a) ? a : [a], stop: b, response_format: b };
      geminiChat.request(body as Record<string, unknown>);
      geminiChat.response({ candidates: a, usageMetadata: b } as Record<string, unknown>, 'g');
      geminiChat.streamEvents('g')({ data: JSON.stringify({ candidates: a, promptFeedback: b }) });
      geminiChat.error(400, JSON.stringify(a));
    }),
    { numRuns: 300 },
  );
});
