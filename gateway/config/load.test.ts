import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'termsgate-config-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const valid = `
providers:
  openai: { kind: openai, baseUrl: "https://api.openai.com/v1", apiKeyEnv: OPENAI_API_KEY }
models:
  gpt-4o-mini: { provider: openai, upstreamModel: gpt-4o-mini, licence: openai-services-agreement }
keys:
  - id: k1
    hash: "sha256:${'a'.repeat(64)}"
    team: search
`;

t.test('a minimal file gets its defaults, and relative paths resolve beside it', async (t) => {
  const c = loadConfigFile(write('ok.yaml', valid));
  t.equal(c.server.port, 8080);
  t.equal(c.limits.bodyBytes, 4 * 1024 * 1024);
  t.equal(c.keys[0].defaultPurpose, 'general');
  t.equal(c.dataDir, join(dir, 'data'));
  t.equal(c.audit.backend, 'file');
});

const cases: Array<[string, string, string, RegExp]> = [
  ['unknown field', valid + 'bogus: 1\n', 'bogus', /unknown field/],
  ['bad provider kind', valid.replace('kind: openai', 'kind: bedrock-classic'), 'providers.openai.kind', /must be one of/],
  ['dangling provider', valid.replace('provider: openai,', 'provider: azure,'), 'models.gpt-4o-mini.provider', /no provider named "azure"/],
  ['bad key hash', valid.replace(`sha256:${'a'.repeat(64)}`, 'plain-key'), 'keys[0].hash', /must match pattern/],
  ['missing team', valid.replace('    team: search\n', ''), 'keys[0].team', /is required/],
  ['port out of range', valid + 'server: { port: 70000 }\n', 'server.port', /must be <= 65535/],
  ['postgres without url', valid + 'audit: { backend: postgres }\n', 'audit.postgresUrl', /required/],
  ['fallback to an unknown model', valid.replace('licence: openai-services-agreement }', 'licence: openai-services-agreement, fallbacks: [gpt-5] }'), 'models.gpt-4o-mini.fallbacks[0]', /no model named "gpt-5"/],
  ['fallback to itself', valid.replace('licence: openai-services-agreement }', 'licence: openai-services-agreement, fallbacks: [gpt-4o-mini] }'), 'models.gpt-4o-mini.fallbacks[0]', /cannot fall back to itself/],
  ['proxy with credentials', valid.replace('apiKeyEnv: OPENAI_API_KEY }', 'apiKeyEnv: OPENAI_API_KEY, proxy: "http://u:p@proxy:3128" }'), 'providers.openai.proxy', /must match pattern/],
  ['retries past the bound', valid.replace('apiKeyEnv: OPENAI_API_KEY }', 'apiKeyEnv: OPENAI_API_KEY, retry: { maxRetries: 11 } }'), 'providers.openai.retry.maxRetries', /must be <= 10/],
  ['a Google token for an OpenAI provider', valid.replace('apiKeyEnv: OPENAI_API_KEY }', 'auth: google-adc }'), 'providers.openai.auth', /google-adc is for kind gemini, not openai/],
  ['an Entra ID token beside a key', valid.replace('kind: openai,', 'kind: azure-openai,').replace('apiKeyEnv: OPENAI_API_KEY }', 'apiKeyEnv: OPENAI_API_KEY, auth: entra-id }'), 'providers.openai.apiKeyEnv', /not used with auth entra-id/],
  ['an unknown auth', valid.replace('apiKeyEnv: OPENAI_API_KEY }', 'auth: kerberos }'), 'providers.openai.auth', /must be one of/],
  ['broken YAML', 'providers: [\n', 'line', /./],
];
for (const [name, text, field, reason] of cases) {
  t.test(`invalid: ${name} names the file, the field and the reason`, async (t) => {
    const file = write(`${name.replace(/\W/g, '-')}.yaml`, text);
    try {
      loadConfigFile(file);
      t.fail('accepted');
    } catch (err) {
      t.ok(err instanceof ConfigError);
      const e = err as ConfigError;
      t.equal(e.file, file);
      t.match(e.field, field);
      t.match(e.reason, reason);
    }
  });
}

t.test('every provider is external unless declared internal, whatever its kind', async (t) => {
  const file = write(
    'external.yaml',
    valid.replace(
      'providers:\n',
      'providers:\n  hosted: { kind: openai-compatible, baseUrl: "https://llm.example.com/v1" }\n  vllm: { kind: openai-compatible, baseUrl: "http://vllm:8000/v1", external: false }\n',
    ),
  );
  const c = loadConfigFile(file);
  t.equal(c.providers.hosted.external, true, 'openai-compatible without `external` is external');
  t.equal(c.providers.openai.external, true);
  t.equal(c.providers.vllm.external, false, 'only an explicit false makes it internal');
});
