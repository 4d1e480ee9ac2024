// Issue 24, the `gemini` provider kind: an OpenAI chat caller (the official SDK) on a model served by the
// Gemini API, through the whole gateway to the mock provider's Gemini dialect: generateContent and
// streamGenerateContent (alt=sse) with the key in x-goog-api-key, usage, finish reasons, Gemini's errors in
// OpenAI's shape (so the SDK raises its usual classes), fields that cannot be carried refused, the record.
import t from 'tap';
import OpenAI from 'openai';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import type { CallRecord } from '../gateway/core/contracts.js';
import { until } from './support/until.js';
import { collectChatStream, finalRecord } from './support/gateway-calls.js';

let gw: DemoGateway;
let client: OpenAI;

t.before(async () => {
  // The demo configuration serves gemini-2.0-flash from a `gemini` provider named google (whose terms the catalogue holds).
  gw = await startDemoGateway();
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
});
t.teardown(() => gw.close());

const lastGemini = () => gw.mock.received().findLast((r) => r.url.startsWith('/v1beta/'))!;


t.test('chat completion, not streamed', async (t) => {
  const { data, response } = await client.chat.completions
    .create({ model: 'gemini-2.0-flash', max_tokens: 200, temperature: 0.2, stop: ['###'], messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Tell me about the harvest.' }] })
    .withResponse();
  t.equal(data.object, 'chat.completion');
  t.ok(data.choices[0].message.content!.length > 20, 'text came back');
  t.equal(data.choices[0].finish_reason, 'stop');
  t.ok(data.usage!.prompt_tokens > 0 && data.usage!.completion_tokens > 0, 'usage');
  const sent = lastGemini();
  t.equal(sent.url, '/v1beta/models/gemini-2.0-flash:generateContent');
  t.equal(sent.headers['x-goog-api-key'], gw.providerKey, 'the key in x-goog-api-key');
  t.notOk(sent.headers.authorization, 'and nowhere else');
  t.same(sent.body, {
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    contents: [{ role: 'user', parts: [{ text: 'Tell me about the harvest.' }] }],
    generationConfig: { maxOutputTokens: 200, temperature: 0.2, stopSequences: ['###'] },
  });
  const record = await finalRecord(gw, response.headers.get('x-termsgate-decision-id')!);
  t.match(record, { phase: 'completed', provider: 'google', licence: 'gemini-api-additional-terms', usage: { input_tokens: data.usage!.prompt_tokens, output_tokens: data.usage!.completion_tokens } });
});

t.test('chat completion, streamed, with usage', async (t) => {
  const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me about the rivers.' }] });
  const { text, finish, usage } = await collectChatStream(stream);
  t.ok(text.length > 20);
  t.equal(finish, 'stop');
  t.ok(usage && usage.completion_tokens > 0);
  t.equal(lastGemini().url, '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
  const plain = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, messages: [{ role: 'user', content: 'Again.' }] });
  let usageChunks = 0;
  for await (const chunk of plain) if (chunk.usage) usageChunks++;
  t.equal(usageChunks, 0, 'no usage chunk when the caller did not ask');
});

t.test("Gemini's errors reach the SDK as OpenAI's", async (t) => {
  const err = await client.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'mock:status=429' }] }).catch((e: unknown) => e);
  t.ok(err instanceof OpenAI.RateLimitError, 'RateLimitError');
  t.equal((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'), '1', "with the provider's retry-after");
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'mock:status=400' }] }),
  });
  t.equal(res.status, 400);
  t.match(await res.json(), { error: { message: /rejected/, type: 'invalid_request_error' } });
});

t.test('what cannot be carried is refused, not dropped', async (t) => {
  const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
  await t.rejects(client.chat.completions.create({ model: 'gemini-2.0-flash', tools, messages: [{ role: 'user', content: 'hi' }] }), { status: 400, message: /`tools` is not supported/ });
  await t.rejects(client.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] }), { status: 400, message: /data: URIs/ });
  await t.rejects(client.embeddings.create({ model: 'gemini-2.0-flash', input: 'hi' }), { status: 400, message: /has no \/v1\/embeddings endpoint/ });
});
