// Issue 23's disguises at the capture server: a fresh AWS key under each (ROT13, reversed, HTML
// entities, escapes written as text, base32, gzip or deflate inside base64, base64 three deep) is
// refused and nothing reaches the provider; the same message with a harmless word in the key's place is
// forwarded.
import t from 'tap';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId, chat, messages } from './cases.js';
import { send } from './capture.js';
import { disguises } from './scrambles.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

for (const [name, disguise] of Object.entries(disguises)) {
  t.test(name, async (t) => {
    const key = awsKeyId();
    const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `debug this: ${disguise(key)}` }] });
    t.equal(r.status, 403, 'denied in chat content');
    t.equal(r.received, '', 'nothing reached the provider');
    const a = await send(gw, messages, { model: messages.model, max_tokens: 8, system: [{ type: 'text', text: disguise(key) }], messages: [{ role: 'user', content: 'hi' }] });
    t.equal(a.status, 403, 'denied in an Anthropic system block');
    t.equal(a.received, '');
    const clean = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `debug this: ${disguise('harmless words only')}` }] });
    t.equal(clean.status, 200, 'the same disguise of harmless words is forwarded');
  });
}
