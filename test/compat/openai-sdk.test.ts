// The official openai npm SDK pointed at the gateway, with the mock provider behind it.
import t from 'tap';
import OpenAI from 'openai';
import { decodeProtectedHeader, compactVerify } from 'jose';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoGateway } from '../support/demo-gateway.js';

const invisible = /[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g;
// Each call has its own decision id, so its own payload: compare where the marks sit, not their bytes.
const markPositions = (s: string | null | undefined) => (s ?? '').replace(/(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g, '§');

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });

t.test('chat completion, not streamed: answer, usage, decision headers, MACed provenance', async (t) => {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me about the history of the telegraph.' }] })
    .withResponse();
  t.equal(data.object, 'chat.completion');
  t.equal(data.choices[0].message.role, 'assistant');
  t.ok((data.choices[0].message.content ?? '').replace(invisible, '').split(' ').length > 10, 'a prose answer');
  t.ok(data.usage && data.usage.completion_tokens > 0, 'usage passed through');
  t.match(response.headers.get('x-termsgate-decision-id'), /^[0-9a-f-]{36}$/);
  t.ok(response.headers.get('x-termsgate-policy-revision'), 'policy revision header');
  const token = response.headers.get('x-termsgate-provenance')!;
  t.match(decodeProtectedHeader(token), { alg: 'HS256', typ: 'termsgate-provenance+jwt' });
  const { payload } = await compactVerify(token, readFileSync(join(gw.dataDir, 'keys', 'provenance-token-mac.key')), { algorithms: ['HS256'] });
  const claims = JSON.parse(Buffer.from(payload).toString());
  t.equal(claims.decision_id, response.headers.get('x-termsgate-decision-id'));
  t.equal(claims.licence, 'openai-services-agreement');
  t.equal(claims.trainable, false, 'OpenAI outputs are not trainable');
});

t.test('chat completion streamed with include_usage: chunks, final usage chunk, same text as unstreamed', async (t) => {
  const messages = [{ role: 'user' as const, content: 'Describe the water cycle.' }];
  const whole = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let chunks = 0;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    chunks++;
    t.equal(chunk.object, 'chat.completion.chunk');
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  t.ok(chunks > 5, 'arrived in many chunks');
  t.ok(usage && usage.completion_tokens > 0, 'usage chunk forwarded when asked for');
  t.match(text, invisible, 'the streamed answer is watermarked');
  t.equal(markPositions(text), markPositions(whole.choices[0].message.content), 'streamed and unstreamed answers: same text, marks in the same places');
});

t.test('streamed without include_usage: no usage chunk reaches the caller', async (t) => {
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], stream: true });
  for await (const chunk of stream) t.notOk(chunk.usage, 'no usage in chunk');
});

t.test('tool calls, streamed and not: arguments untouched', async (t) => {
  const tools: OpenAI.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  ];
  const messages = [{ role: 'user' as const, content: 'What is the weather in Paris? Use the tool.' }];
  const whole = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, tool_choice: 'required' });
  const call = whole.choices[0].message.tool_calls?.[0];
  t.ok(call, 'a tool call');
  const args = call!.type === 'function' ? call!.function.arguments : '';
  t.doesNotThrow(() => JSON.parse(args), 'arguments are valid JSON');
  t.notMatch(args, invisible, 'no watermark inside tool-call arguments');
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, tool_choice: 'required', stream: true });
  let streamedArgs = '';
  for await (const chunk of stream) streamedArgs += chunk.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '';
  t.equal(streamedArgs, args, 'streamed arguments equal the unstreamed ones');
});

t.test('JSON mode output passes byte-identical to the provider', async (t) => {
  const r = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Give me a JSON object describing a cat.' }],
    response_format: { type: 'json_object' },
  });
  const content = r.choices[0].message.content!;
  t.doesNotThrow(() => JSON.parse(content));
  t.notMatch(content, invisible, 'no watermark in JSON mode');
  const direct = await new OpenAI({ baseURL: `${gw.mock.url}/v1`, apiKey: gw.providerKey, maxRetries: 0 }).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Give me a JSON object describing a cat.' }],
    response_format: { type: 'json_object' },
  });
  t.equal(content, direct.choices[0].message.content, 'identical to the provider answer');
});

t.test('Responses API, streamed and not', async (t) => {
  const whole = await client.responses.create({ model: 'gpt-4o-mini', input: 'Summarise the plot of a famous novel.' });
  t.equal(whole.object, 'response');
  t.ok(whole.output_text.length > 20, 'output_text');
  const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Summarise the plot of a famous novel.', stream: true });
  let text = '';
  let completed: OpenAI.Responses.Response | null = null;
  for await (const ev of stream) {
    if (ev.type === 'response.output_text.delta') text += ev.delta;
    if (ev.type === 'response.completed') completed = ev.response;
  }
  t.equal(markPositions(text), markPositions(whole.output_text), 'deltas add up to the unstreamed text, marks in the same places');
  const completedText = (completed?.output[0] as { content?: Array<{ text: string }> } | undefined)?.content?.[0]?.text;
  t.equal(completedText, text, 'response.completed carries exactly the streamed text and marks');
});

t.test('legacy completions', async (t) => {
  const r = await client.completions.create({ model: 'qwen2.5-7b-instruct', prompt: 'Once upon a time' });
  t.ok(r.choices[0].text.length > 10);
});

t.test('embeddings: vectors decoded by the SDK', async (t) => {
  const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first text', 'second text'] });
  t.equal(r.data.length, 2);
  t.ok(r.data[0].embedding.length >= 8, 'a vector');
  t.ok(r.data[0].embedding.every((x) => Number.isFinite(x)));
});

t.test('the matrix cells served to other kinds: completions on an openai model, responses and embeddings on an openai-compatible one', async (t) => {
  // openai kind, /v1/completions, streamed and not.
  const done = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon a time' });
  t.ok(done.choices[0].text.length > 10, 'completion text');
  let streamed = '';
  for await (const chunk of await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon a time', stream: true })) streamed += chunk.choices[0]?.text ?? '';
  t.equal(markPositions(streamed), markPositions(done.choices[0].text), 'streamed completion: same text, marks in the same places');
  // openai-compatible kind (the demo's vllm), /v1/responses, streamed and not.
  const whole = await client.responses.create({ model: 'qwen2.5-7b-instruct', input: 'Summarise the plot of a famous novel.' });
  t.equal(whole.object, 'response');
  t.ok(whole.output_text.length > 20, 'output_text');
  let text = '';
  for await (const ev of await client.responses.create({ model: 'qwen2.5-7b-instruct', input: 'Summarise the plot of a famous novel.', stream: true })) if (ev.type === 'response.output_text.delta') text += ev.delta;
  t.equal(markPositions(text), markPositions(whole.output_text), 'streamed response: same text, marks in the same places');
  // openai-compatible kind, /v1/embeddings.
  const vectors = await client.embeddings.create({ model: 'qwen2.5-7b-instruct', input: ['first text', 'second text'] });
  t.equal(vectors.data.length, 2);
  t.ok(vectors.data.every((d) => d.embedding.length >= 8 && d.embedding.every((x) => Number.isFinite(x))), 'finite vectors');
});

t.test('models list', async (t) => {
  const ids: string[] = [];
  for await (const m of client.models.list()) ids.push(m.id);
  for (const id of ['gpt-4o-mini', 'claude-3-5-haiku-latest', 'llama-3.1-8b-instruct', 'qwen2.5-7b-instruct', 'deepseek-r1']) t.ok(ids.includes(id), id);
});

t.test('the provider sees its own key, never the virtual key', async (t) => {
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'which key?' }] });
  const last = gw.mock.received().at(-1)!;
  t.equal(last.headers['authorization'], `Bearer ${gw.providerKey}`);
  t.notMatch(JSON.stringify(last), gw.key, 'virtual key not forwarded');
});
