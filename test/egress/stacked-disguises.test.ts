// Disguises stacked, at the capture server (issue 23's hidden-disguise aim): a fresh key spelt out or
// grouped and then ROT13'd or reversed, given homoglyphs and then ROT13'd, or percent-encoded a code point
// per escape (after zero-width characters, fullwidth forms or homoglyphs) is refused in chat content and
// when cut across turns with words between, and nothing reaches the provider; the same stack over
// harmless words is forwarded; string disguises (references, escapes, ROT13) cut across turns are joined;
// a URL ciphered or escaped after its key was percent-encoded in the query, and a fenced key ciphered in JSON.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { startDemoGateway } from '../support/demo-gateway.js';
import { chat } from './cases.js';
import { send } from './capture.js';
import { disguises, oneStringDisguises, prefixDisguises, stackedDisguises } from './scrambles.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

// Random letters and digits with a digit and both cases, as a live key has.
const random = (n: number) => randomBytes(n).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(n, 'x').slice(0, n - 3) + 'q7Z';
const keys = [() => `ghp_${random(36)}`, () => `sk_live_${random(28)}`];
const cutAcross = (d: string) => {
  const at = Math.floor(d.length / 3);
  return [{ role: 'user', content: `please look at ${d.slice(0, at)}` }, { role: 'assistant', content: 'which part?' }, { role: 'user', content: 'the deploy config fails' }, { role: 'user', content: `${d.slice(at)} thanks` }];
};

for (const [name, stack] of Object.entries(stackedDisguises)) {
  t.test(name, async (t) => {
    for (const key of keys) {
      const k = key();
      const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `debug this: ${stack(k)}` }] });
      t.equal(r.status, 403, `${k.slice(0, 4)}…: denied in chat content`);
      t.equal(r.received, '', 'nothing reached the provider');
      const split = await send(gw, chat, { model: chat.model, messages: cutAcross(stack(key())) });
      t.equal(split.status, 403, 'denied cut across turns with words between');
      t.equal(split.received, '');
    }
    const clean = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `debug this: ${stack('the quarterly figures are attached')}` }] });
    t.equal(clean.status, 200, 'the same stack over harmless words is forwarded');
    t.ok(clean.received.includes('debug this'), 'the field reached the provider');
  });
}

t.test('stacks read within one string: denied in chat content and an Anthropic-style system message; harmless words forwarded', async (t) => {
  for (const [name, stack] of Object.entries(oneStringDisguises)) {
    const k = keys[0]();
    const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'system', content: stack(k) }, { role: 'user', content: 'hi' }] });
    t.equal(r.status, 403, `${name}: denied`);
    t.equal(r.received, '', `${name}: nothing reached the provider`);
    const clean = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `debug this: ${stack('the quarterly figures are attached')}` }] });
    t.equal(clean.status, 200, `${name}: the same stack over harmless words is forwarded`);
  }
});

t.test('string disguises cut across turns with words between', async (t) => {
  for (const [name, disguise] of Object.entries({ rot13: disguises.rot13, reversed: disguises.reversed, 'HTML entities (decimal)': disguises['HTML entities (decimal)'], '\\u escapes as text': disguises['\\u escapes as text'], ...prefixDisguises })) {
    const r = await send(gw, chat, { model: chat.model, messages: cutAcross(disguise(keys[1]())) });
    t.equal(r.status, 403, name);
    t.equal(r.received, '', `${name}: nothing reached the provider`);
  }
  const clean = await send(gw, chat, { model: chat.model, messages: cutAcross(disguises.rot13('the quarterly figures are attached to the mail')) });
  t.equal(clean.status, 200, 'a ROT13 sentence cut across turns is forwarded');
});
