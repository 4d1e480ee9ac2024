// The disguises of issue 23 the second pass left open, at the capture server: a fresh key with `_` or `-`
// in its prefix (GitHub, Stripe, OpenAI) spelt with spaces or with those characters as HTML named
// references, and an AWS key in letter-like symbols (regional indicators, negative squared or circled
// capitals), is refused and nothing reaches the provider; the same disguise of harmless words is forwarded.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { startDemoGateway } from '../support/demo-gateway.js';
import { awsKeyId, chat, messages } from './cases.js';
import { send } from './capture.js';
import { letterDisguises, prefixDisguises } from './scrambles.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

// Random letters and digits with a digit and both cases, as a live key has.
const random = (n: number) => randomBytes(n).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(n, 'x').slice(0, n - 3) + 'q7Z';
const prefixed: Record<string, () => string> = {
  github: () => `ghp_${random(36)}`,
  stripe: () => `sk_live_${random(28)}`,
  openai: () => `sk-proj-${random(40)}`,
};

async function refusedEverywhere(t: Test, disguised: string, clean: string) {
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `my token is ${disguised} thanks` }] });
  t.equal(r.status, 403, 'denied in chat content');
  t.equal(r.received, '', 'nothing reached the provider');
  const a = await send(gw, messages, { model: messages.model, max_tokens: 8, system: [{ type: 'text', text: disguised }], messages: [{ role: 'user', content: 'hi' }] });
  t.equal(a.status, 403, 'denied in an Anthropic system block');
  t.equal(a.received, '');
  const ok = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `my token is ${clean} thanks` }] });
  t.equal(ok.status, 200, 'the same disguise of harmless words is forwarded');
}

for (const [name, disguise] of Object.entries(prefixDisguises)) {
  for (const [kind, key] of Object.entries(prefixed)) {
    t.test(`${kind} key, ${name}`, async (t) => refusedEverywhere(t, disguise(key()), disguise('harmless_words-only')));
  }
}
for (const [name, disguise] of Object.entries(letterDisguises)) {
  t.test(`AWS key, ${name}`, async (t) => refusedEverywhere(t, disguise(awsKeyId()), disguise('HARMLESS WORDS ONLY')));
}
