// Credential fragments at the capture server (issue 23, #2): a prefix with too short a body is refused
// to an external provider wherever it is placed, and the same text without it is forwarded.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { startDemoGateway } from '../support/demo-gateway.js';
import { chat, messages, responses } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const alnum = () => randomBytes(8).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 4) + String(randomBytes(1)[0] % 10);
const fragments = () => ['AKIA' + 'Q2W3', 'ghp_' + alnum(), 'sk-' + alnum(), 'xoxb-' + alnum(), 'sk_live_' + alnum(), 'hf_' + alnum(), '-----BEGIN RSA PRIV'];

for (const fragment of fragments()) {
  t.test(`${fragment.slice(0, 5)}… in chat content, Anthropic system, Responses instructions`, async (t) => {
    const cases = [
      { endpoint: chat, body: (s: string) => ({ model: chat.model, messages: [{ role: 'user', content: `the first part is ${s}, the rest tomorrow` }] }) },
      { endpoint: messages, body: (s: string) => ({ model: messages.model, max_tokens: 8, system: `key starts ${s}`, messages: [{ role: 'user', content: 'hi' }] }) },
      { endpoint: responses, body: (s: string) => ({ model: responses.model, instructions: `prefix ${s}`, input: 'hi' }) },
    ];
    for (const c of cases) {
      const r = await send(gw, c.endpoint, c.body(fragment));
      t.equal(r.status, 403, `${c.endpoint.path}: denied`);
      t.match(r.body.error?.message, /part of a credential/, 'named as a fragment');
      t.equal(r.received, '', 'nothing reached the provider');
      const clean = await send(gw, c.endpoint, c.body('in the vault'));
      t.equal(clean.status, 200, `${c.endpoint.path}: the same field without it is forwarded`);
      t.match(clean.received, /in the vault/);
    }
  });
}

t.test('a fragment in a forwarded header is refused', async (t) => {
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: 'hi' }] }, { 'user-agent': `tool/1.0 ghp_${alnum()}` });
  t.equal(r.status, 403);
  t.equal(r.received, '');
});

t.test('words that start like a prefix are forwarded', async (t) => {
  const text = 'pip install sk-learn; from huggingface_hub import hf_hub_download; npm_config_cache; ASIAN markets; -----BEGIN CERTIFICATE-----';
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: text }] });
  t.equal(r.status, 200);
  t.match(r.received, 'hf_hub_download');
});
