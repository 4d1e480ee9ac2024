// Issue 24, the `bedrock` provider kind: an OpenAI chat caller (the official SDK) on a model served by
// Amazon Bedrock's Converse API, through the whole gateway to the mock provider's Bedrock dialect, which
// checks every SigV4 signature as AWS does: Converse and ConverseStream (AWS's binary event stream, re-framed
// by the gateway), usage, stop reasons, Bedrock's errors in OpenAI's shape, and the AWS secret in no answer.
import t from 'tap';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { randomBytes } from 'node:crypto';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { startMockUpstream, type MockUpstream } from '../gateway/mock-upstream/index.js';
import { collectChatStream } from './support/gateway-calls.js';

const aws = { accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: 'canary-aws-secret-' + randomBytes(12).toString('hex'), region: 'eu-west-1' };
let gw: DemoGateway;
let bedrock: MockUpstream;
let otherAccount: MockUpstream;
let client: OpenAI;

t.before(async () => {
  process.env.AWS_ACCESS_KEY_ID = aws.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = aws.secretAccessKey;
  bedrock = await startMockUpstream({ aws });
  otherAccount = await startMockUpstream({ aws: { ...aws, secretAccessKey: 'another-secret-' + randomBytes(8).toString('hex') } });
  gw = await startDemoGateway((config) => {
    config.providers.bedrock = { kind: 'bedrock', baseUrl: bedrock.url, region: aws.region, licence: 'llama-3.1-8b-instruct' };
    config.providers['bedrock-other'] = { kind: 'bedrock', baseUrl: otherAccount.url, region: aws.region, licence: 'llama-3.1-8b-instruct' };
    config.models['llama-bedrock'] = { provider: 'bedrock', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0' };
    config.models['llama-other'] = { provider: 'bedrock-other', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0' };
    config.models['r1-bedrock'] = { provider: 'bedrock', upstreamModel: 'us.deepseek.r1-v1:0' };
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
});
t.teardown(async () => {
  await gw.close();
  await bedrock.close();
  await otherAccount.close();
});

t.test('Converse: signed, translated, usage', async (t) => {
  const r = await client.chat.completions.create({ model: 'llama-bedrock', max_tokens: 300, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Tell me about the harvest.' }] });
  t.ok(r.choices[0].message.content!.length > 20);
  t.equal(r.choices[0].finish_reason, 'stop');
  t.ok(r.usage!.prompt_tokens > 0 && r.usage!.completion_tokens > 0);
  const sent = bedrock.received().at(-1)!;
  t.equal(sent.url, '/model/meta.llama3-1-8b-instruct-v1%3A0/converse');
  t.match(sent.headers.authorization, new RegExp(`^AWS4-HMAC-SHA256 Credential=${aws.accessKeyId}/\\d{8}/${aws.region}/bedrock/aws4_request`), 'SigV4, checked by the mock');
  t.same(sent.body, { messages: [{ role: 'user', content: [{ text: 'Tell me about the harvest.' }] }], system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 300 } });
});

t.test('ConverseStream: the binary event stream reaches the SDK as chunks, with usage', async (t) => {
  const stream = await client.chat.completions.create({ model: 'llama-bedrock', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me about the rivers.' }] });
  const { text, finish, usage } = await collectChatStream(stream);
  t.ok(text.length > 20, 'text');
  t.equal(finish, 'stop');
  t.ok(usage && usage.completion_tokens > 0, 'usage');
  t.equal(bedrock.received().at(-1)!.url, '/model/meta.llama3-1-8b-instruct-v1%3A0/converse-stream');
});

t.test('reasoningContent blocks (DeepSeek-R1 on Bedrock) reach the SDK as reasoning_content, streamed and not, marked in the same places', async (t) => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Why is the sky blue?' }];
  const whole = await client.chat.completions.create({ model: 'r1-bedrock', messages });
  const reasoning = (whole.choices[0].message as { reasoning_content?: string }).reasoning_content;
  t.ok(reasoning && reasoning.length > 20, 'reasoning_content');
  t.ok(whole.choices[0].message.content!.length > 20, 'and the answer');
  let streamed = '';
  for await (const chunk of await client.chat.completions.create({ model: 'r1-bedrock', messages, stream: true })) streamed += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
  const marks = (s: string) => s.replace(/(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g, '§');
  t.equal(marks(streamed), marks(reasoning!), 'the same reasoning streamed, marks in the same places');
});

t.test("Bedrock's errors: throttling is a 429; a signature another account refuses is the gateway's credential failing", async (t) => {
  const throttled = await client.chat.completions.create({ model: 'llama-bedrock', messages: [{ role: 'user', content: 'mock:status=429' }] }).catch((e: unknown) => e);
  t.ok(throttled instanceof OpenAI.RateLimitError, 'RateLimitError');
  const refused = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'llama-other', messages: [{ role: 'user', content: 'hi' }] }),
  });
  t.equal(refused.status, 502);
  const text = await refused.text();
  t.match(text, /upstream_auth_failed|credential/);
  t.notMatch(text, aws.secretAccessKey, 'the AWS secret is in no answer');
});

t.test('an Anthropic caller on Bedrock: /v1/messages translated through OpenAI chat to Converse, streamed and not', async (t) => {
  const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
  const body = { model: 'llama-bedrock', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Tell me about the harvest.' }] };
  const r = await anthropic.messages.create(body);
  t.equal(r.type, 'message');
  t.equal(r.stop_reason, 'end_turn');
  t.ok(r.content[0].type === 'text' && r.content[0].text.length > 20, 'text');
  t.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0, 'usage');
  t.same(bedrock.received().at(-1)!.body, { messages: [{ role: 'user', content: [{ text: 'Tell me about the harvest.' }] }], system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 300 } });
  const stream = anthropic.messages.stream(body);
  const types: string[] = [];
  stream.on('streamEvent', (ev) => types.push(ev.type));
  const final = await stream.finalMessage();
  t.equal(types[0], 'message_start');
  t.same(types.slice(-2), ['message_delta', 'message_stop']);
  t.ok(final.content[0].type === 'text' && final.content[0].text.length > 20, 'streamed text');
  t.ok(final.usage.output_tokens > 0, 'usage');
  t.equal(bedrock.received().at(-1)!.url, '/model/meta.llama3-1-8b-instruct-v1%3A0/converse-stream');
  const refused = await anthropic.messages.create({ ...body, metadata: { user_id: 'u-1' } }).catch((e: unknown) => e);
  t.ok(refused instanceof Anthropic.BadRequestError, 'what Bedrock translation lacks is a 400 in the Anthropic shape');
  t.match((refused as Error).message, /`user`/);
});
