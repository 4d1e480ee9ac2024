// A provider is external unless declared internal (issue 23, #7): a hosted OpenAI-compatible endpoint
// configured without `external` gets the rules for external providers, and the start-up log names the
// providers treated as internal. At the capture server: what reached the provider.
import t from 'tap';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId } from './cases.js';
import { send } from './capture.js';

const logs: string[] = [];
const gw = await startDemoGateway(
  (config) => {
    // As an operator would write it, having not read that line: no `external` at all.
    config.providers.hosted = { kind: 'openai-compatible', baseUrl: config.providers.vllm.baseUrl, apiKeyEnv: config.providers.vllm.apiKeyEnv };
    config.models['hosted-model'] = { provider: 'hosted', upstreamModel: 'hosted-model', licence: 'llama-3.1-8b-instruct' };
  },
  { logs },
);
t.teardown(() => gw.close());

const chat = (model: string) => ({ path: '/v1/chat/completions', model });
const body = (model: string, text: string) => ({ model, messages: [{ role: 'user', content: text }] });

t.test('an openai-compatible provider without `external` is external: a secret is refused, nothing reaches it', async (t) => {
  const key = awsKeyId();
  const r = await send(gw, chat('hosted-model'), body('hosted-model', `debug this: ${key}`));
  t.equal(r.status, 403);
  t.equal(r.received, '', 'nothing reached the provider');
  const clean = await send(gw, chat('hosted-model'), body('hosted-model', 'debug this: the key is in the vault'));
  t.equal(clean.status, 200, 'a clean call is forwarded');
  t.match(clean.received, /the key is in the vault/);
});

t.test('a provider declared `external: false` stays internal', async (t) => {
  const key = awsKeyId();
  const r = await send(gw, chat('qwen2.5-7b-instruct'), body('qwen2.5-7b-instruct', `debug this: ${key}`));
  t.equal(r.status, 200, 'allowed to the self-hosted model');
  t.match(r.received, key);
});

t.test('the start-up log lists the providers treated as internal, and only those', async (t) => {
  const line = logs.map((l) => JSON.parse(l) as { msg: string; internal_providers?: string[] }).find((l) => l.internal_providers);
  t.ok(line, 'one start-up line names them');
  t.same(line?.internal_providers, ['vllm']);
  t.match(line?.msg, /internal: vllm$/);
});
