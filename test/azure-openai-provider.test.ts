// Issue 24, the `azure-openai` provider kind: OpenAI callers (the official SDK) on a model served by an
// Azure OpenAI deployment, through the whole gateway to the mock provider's Azure dialect: deployment URLs
// with api-version, the key in `api-key`, Azure's content-filter annotations and its prompt-filter chunk at
// the head of a stream, errors in the OpenAI shape Azure answers with.
import t from 'tap';
import OpenAI from 'openai';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { collectChatStream } from './support/gateway-calls.js';

let gw: DemoGateway;
let client: OpenAI;

t.before(async () => {
  gw = await startDemoGateway((config) => {
    config.providers.azure = { kind: 'azure-openai', baseUrl: config.providers.openai.baseUrl, apiKeyEnv: config.providers.openai.apiKeyEnv, apiVersion: '2024-10-21', licence: 'azure-openai-product-terms' };
    config.models['gpt-4o-azure'] = { provider: 'azure', upstreamModel: 'prod-gpt-4o-mini' };
    config.models['embed-azure'] = { provider: 'azure', upstreamModel: 'prod-embedding-small' };
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
});
t.teardown(() => gw.close());

const last = () => gw.mock.received().at(-1)!;

t.test('chat, not streamed: the deployment URL, api-version and api-key', async (t) => {
  const r = await client.chat.completions.create({ model: 'gpt-4o-azure', messages: [{ role: 'user', content: 'Tell me about the harvest.' }] });
  t.ok(r.choices[0].message.content!.length > 20);
  t.ok(r.usage!.total_tokens > 0);
  const sent = last();
  t.equal(sent.url, '/openai/deployments/prod-gpt-4o-mini/chat/completions?api-version=2024-10-21');
  t.equal(sent.headers['api-key'], gw.providerKey);
  t.notOk(sent.headers.authorization, 'no bearer header');
});

t.test('chat, streamed: the prompt-filter chunk passes, text and usage arrive', async (t) => {
  const stream = await client.chat.completions.create({ model: 'gpt-4o-azure', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me about rivers.' }] });
  const { text, finish, usage } = await collectChatStream(stream);
  t.ok(text.length > 20);
  t.equal(finish, 'stop');
  t.ok(usage && usage.completion_tokens > 0);
});

t.test('embeddings and legacy completions go to their deployment URLs; responses is refused', async (t) => {
  const e = await client.embeddings.create({ model: 'embed-azure', input: ['a', 'b'] });
  t.equal(e.data.length, 2);
  t.equal(last().url, '/openai/deployments/prod-embedding-small/embeddings?api-version=2024-10-21');
  const c = await client.completions.create({ model: 'gpt-4o-azure', prompt: 'Once upon a time' });
  t.ok(c.choices[0].text.length > 0);
  t.equal(last().url, '/openai/deployments/prod-gpt-4o-mini/completions?api-version=2024-10-21');
  await t.rejects(client.responses.create({ model: 'gpt-4o-azure', input: 'hi' }), { status: 400 });
});

t.test("Azure's errors keep their status and shape", async (t) => {
  const err = await client.chat.completions.create({ model: 'gpt-4o-azure', messages: [{ role: 'user', content: 'mock:status=429' }] }).catch((e: unknown) => e);
  t.ok(err instanceof OpenAI.RateLimitError);
});
