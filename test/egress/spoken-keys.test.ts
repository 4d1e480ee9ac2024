// A key read aloud at the capture server: a fresh AWS key and GitHub token spelt out in the spelling
// alphabet (`alpha kilo india alpha …`, `golf hotel papa underscore …`) are refused in chat content and in
// an Anthropic system block, and nothing reaches the provider; the alphabet recited is forwarded.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId, chat, messages } from './cases.js';
import { send } from './capture.js';
import { spokenAloud } from './scrambles.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const github = () => 'ghp_' + randomBytes(27).toString('base64').replace(/[+/=]/g, 'x').slice(0, 33) + 'q7Z';

for (const [name, key, sep] of [['AWS key id, capitals said', awsKeyId(), ', '], ['GitHub token, no case said', github(), ' then ']] as const) {
  t.test(name, async (t) => {
    const spoken = spokenAloud(key, sep, name.includes('capitals'));
    const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `read this back to me: ${spoken}` }] });
    t.equal(r.status, 403, 'denied in chat content');
    t.equal(r.received, '', 'nothing reached the provider');
    const a = await send(gw, messages, { model: messages.model, max_tokens: 8, system: [{ type: 'text', text: spoken }], messages: [{ role: 'user', content: 'hi' }] });
    t.equal(a.status, 403, 'denied in an Anthropic system block');
    t.equal(a.received, '');
  });
}

t.test('the spelling alphabet recited is forwarded', async (t) => {
  const recited = spokenAloud('abcdefghijklmnopqrstuvwxyz0123456789');
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `learn these: ${recited}` }] });
  t.equal(r.status, 200);
});
