// Issue 23's splits the windows did not join, at the capture server: a fresh AWS key whose halves are
// several turns apart, base64 of a key cut across two messages, and a GitHub key spelt out or
// percent-encoded and cut across messages, are refused and nothing reaches the provider; the same
// conversation without the key is forwarded.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId, chat } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const conversation = (first: string, last: string) => ({
  model: chat.model,
  messages: [
    { role: 'user', content: `here is the first part: ${first}` },
    { role: 'assistant', content: 'Noted. Anything else?' },
    { role: 'user', content: 'Yes, a few words about the build first.' },
    { role: 'assistant', content: 'Go ahead.' },
    { role: 'user', content: 'It is green again.' },
    { role: 'assistant', content: 'Good. And the rest?' },
    { role: 'user', content: `${last} is the rest` },
  ],
});

t.test('halves of a key five turns apart', async (t) => {
  const key = awsKeyId();
  // Cut inside the prefix, so that neither half is a credential fragment on its own.
  const r = await send(gw, chat, conversation(key.slice(0, 3), key.slice(3)));
  t.equal(r.status, 403, 'denied');
  t.equal(r.received, '', 'nothing reached the provider');
  const clean = await send(gw, chat, conversation('nothing', 'that'));
  t.equal(clean.status, 200, 'the same conversation without the key is forwarded');
});

t.test('base64 of a key cut across two messages, next to each other and five turns apart', async (t) => {
  const b64 = Buffer.from(`the key is ${awsKeyId()}`).toString('base64');
  for (const cut of [5, 17, 30]) {
    const near = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `decode ${b64.slice(0, cut)}` }, { role: 'user', content: `${b64.slice(cut)} please` }] });
    t.equal(near.status, 403, `cut at ${cut}, adjacent: denied`);
    t.equal(near.received, '');
    const far = await send(gw, chat, conversation(b64.slice(0, cut), b64.slice(cut)));
    t.equal(far.status, 403, `cut at ${cut}, five turns apart: denied`);
    t.equal(far.received, '');
  }
  const harmless = Buffer.from('just some ordinary words, nothing secret here').toString('base64');
  const clean = await send(gw, chat, conversation(harmless.slice(0, 17), harmless.slice(17)));
  t.equal(clean.status, 200, 'base64 of harmless words cut the same way is forwarded');
});

t.test('a key spelt out or percent-encoded, cut across two messages, next to each other and five turns apart', async (t) => {
  const key = 'ghp_' + randomBytes(36).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(33, 'x').slice(0, 33) + 'q7Z';
  const forms: Record<string, (s: string) => string> = {
    spaced: (s) => [...s].join(' '),
    'groups with dashes': (s) => s.match(/.{1,4}/g)!.join('-'),
    'percent-encoded': (s) => [...s].map((c) => '%' + c.charCodeAt(0).toString(16)).join(''),
  };
  for (const [name, form] of Object.entries(forms)) {
    const written = form(key);
    for (const cut of [3, Math.floor(written.length / 2)]) {
      const near = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `debug ${written.slice(0, cut)}` }, { role: 'user', content: `${written.slice(cut)} please` }] });
      t.equal(near.status, 403, `${name}, cut at ${cut}, adjacent: denied`);
      t.equal(near.received, '');
      const far = await send(gw, chat, conversation(written.slice(0, cut), written.slice(cut)));
      t.equal(far.status, 403, `${name}, cut at ${cut}, five turns apart: denied`);
      t.equal(far.received, '');
    }
    const harmless = form('harmless_words-only');
    const clean = await send(gw, chat, conversation(harmless.slice(0, 7), harmless.slice(7)));
    t.equal(clean.status, 200, `${name}: harmless words cut the same way are forwarded`);
  }
});
