// Breadth of rules at the capture server (issue 23, #1): a sample of every credential type of gitleaks'
// default rule set, and the two the issue names (an Azure storage connection string as the portal shows
// it, a JWT whose header JSON has spaces), are refused and never reach the provider; the same message
// without them is forwarded.
import t from 'tap';
import samples from '../../gateway/classify/fixtures/gitleaks-samples.json' with { type: 'json' };
import { rules } from '../../gateway/classify/gitleaks-rules.js';
import { startDemoGateway } from '../support/demo-gateway.js';
import { chat } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const body = (text: string) => ({ model: chat.model, messages: [{ role: 'user', content: `Why does this fail?\n${text}\nThanks.` }] });

t.test('a sample of every gitleaks rule run here is refused, nothing reaches the provider', async (t) => {
  const through: string[] = [];
  for (const rule of rules) {
    const r = await send(gw, chat, body((samples as Record<string, string>)[rule.id]));
    if (r.status !== 403 || r.received !== '') through.push(rule.id);
  }
  t.same(through, [], `${rules.length} credential types`);
  const clean = await send(gw, chat, body('the key is in the vault'));
  t.equal(clean.status, 200, 'the same message without a credential is forwarded');
});

t.test('an Azure storage connection string and a JWT with spaced header JSON are refused', async (t) => {
  const accountKey = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 53 + 7) & 255)).toString('base64');
  const b64 = (o: string) => Buffer.from(o).toString('base64url');
  const cases = {
    'connection string': `DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=${accountKey};EndpointSuffix=core.windows.net`,
    'JWT with spaced header': `${b64('{ "alg": "HS256", "typ": "JWT" }')}.${b64('{ "sub": "1234567890" }')}.${b64('signature-bytes-0123')}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    const r = await send(gw, chat, body(text));
    t.equal(r.status, 403, name);
    t.equal(r.received, '', `${name}: nothing reached the provider`);
  }
});
