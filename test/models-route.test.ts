// GET /v1/models/{id} (issue 24): a model the key may use, in the caller's dialect; any other id (unknown,
// or one the policy keeps from this key) is the same 404, naming neither the id nor why.
import t from 'tap';
import OpenAI from 'openai';
import { startDemoGateway } from './support/demo-gateway.js';

t.test('GET /v1/models/{id}', async (t) => {
  const gw = await startDemoGateway((config) => {
    config.models['org/with-slash'] = { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct' };
  });
  t.teardown(() => gw.close());
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  const model = await client.models.retrieve('gpt-4o-mini');
  t.match(model, { id: 'gpt-4o-mini', object: 'model', owned_by: 'openai' });
  t.match(await client.models.retrieve('org/with-slash'), { id: 'org/with-slash' }, 'a name with a slash');

  const get = async (id: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${gw.url}/v1/models/${id}`, { headers: { authorization: `Bearer ${gw.key}`, ...headers } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const anthropic = await get('claude-3-5-haiku-latest', { 'anthropic-version': '2023-06-01' });
  t.match(anthropic, { status: 200, body: { type: 'model', id: 'claude-3-5-haiku-latest', display_name: 'claude-3-5-haiku-latest' } });

  const unknown = await get('no-such-model-xyz');
  t.equal(unknown.status, 404);
  t.match(unknown.body, { error: { type: 'not_found_error', code: 'model_not_found' } });
  t.notMatch(JSON.stringify(unknown.body), /no-such-model-xyz/, 'the id is not echoed');
  const unknownAnthropic = await get('no-such-model-xyz', { 'anthropic-version': '2023-06-01' });
  t.match(unknownAnthropic, { status: 404, body: { type: 'error', error: { type: 'not_found_error' } } });
  await t.rejects(client.models.retrieve('no-such-model-xyz'), { status: 404 }, 'the SDK raises its NotFoundError');

  const noKey = await fetch(`${gw.url}/v1/models/gpt-4o-mini`);
  t.equal(noKey.status, 401);
});
