// Readings fed to one another (issue 23, the compositions the hidden-disguise bench found missing), at the
// capture server: a fresh key spelt out with separators or in groups and then reversed, written as numeric
// HTML entities or `\u` escapes, or with its `_`/`-` as named references; and a key percent-encoded byte by
// byte as legacy encoders write it (a soft hyphen as `%AD`, Latin-1). Each is refused and nothing reaches
// the provider; the same composition of harmless words is forwarded; and a key in dash-separated groups,
// its prefix's own `-` or `_` among the separators. A key spaced out and then ROT13'd: stacked-disguises.test.ts.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { startDemoGateway } from '../support/demo-gateway.js';
import { chat, messages } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

// Random letters and digits with a digit and both cases, as a live key has.
const random = (n: number) => randomBytes(n).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(n, 'x').slice(0, n - 3) + 'q7Z';
const keys: Record<string, () => string> = {
  github: () => `ghp_${random(36)}`,
  gitlab: () => `glpat-${random(20)}`,
  stripe: () => `sk_live_${random(28)}`,
  openai: () => `sk-proj-${random(40)}`,
};

const spaced = (s: string) => [...s].join(' ');
const grouped = (s: string) => s.match(/.{1,4}/g)!.join('-');
const compositions: Record<string, [compose: (s: string) => string, kinds: string[]]> = {
  // The reversed prefix must stay whole for the reading to start: in groups of four, `ghp_` does.
  'in groups, then reversed': [(s) => [...grouped(s)].reverse().join(''), ['github']],
  'in groups, then numeric HTML entities': [(s) => [...grouped(s)].map((c) => `&#${c.codePointAt(0)};`).join(''), ['github', 'stripe']],
  'spaced, then \\u escapes': [(s) => [...spaced(s)].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''), ['github', 'gitlab', 'stripe']],
  'in groups, then named references for _ and -': [(s) => grouped(s).replace(/_/g, '&lowbar;').replace(/-/g, '&hyphen;'), ['github', 'stripe']],
  // The prefix's own `-` or `_` then stands among the separators (`glpa-t-ab12-…`).
  'in groups joined by dashes': [(s) => grouped(s), ['gitlab', 'stripe', 'openai']],
  'soft hyphens, then percent-encoded as Latin-1': [(s) => [...s].map((c) => `%${c.charCodeAt(0).toString(16)}%ad`).join(''), ['github', 'gitlab', 'stripe']],
};

async function refused(t: Test, disguised: string, clean: string) {
  const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `please debug ${disguised} thanks` }] });
  t.equal(r.status, 403, 'denied in chat content');
  t.equal(r.received, '', 'nothing reached the provider');
  const a = await send(gw, messages, { model: messages.model, max_tokens: 8, system: [{ type: 'text', text: disguised }], messages: [{ role: 'user', content: 'hi' }] });
  t.equal(a.status, 403, 'denied in an Anthropic system block');
  t.equal(a.received, '');
  const ok = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `please debug ${clean} thanks` }] });
  t.equal(ok.status, 200, 'the same composition of harmless words is forwarded');
}

for (const [name, [compose, kinds]] of Object.entries(compositions)) {
  for (const kind of kinds) {
    t.test(`${kind} key, ${name}`, async (t) => refused(t, compose(keys[kind]()), compose('harmless_words-only')));
  }
}

t.test('a key after a line break or tab inside tool call arguments (JSON held in a string) is refused', async (t) => {
  for (const [kind, key] of Object.entries(keys)) {
    for (const around of [(k: string) => '```\n' + k + '\n```', (k: string) => `config:\n\t${k}\r\n`]) {
      const args = (k: string) => JSON.stringify({ q: around(k) });
      const r = await send(gw, chat, { model: chat.model, messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args(key()) } }] }, { role: 'user', content: 'go on' }] });
      t.equal(r.status, 403, `${kind}: denied`);
      t.equal(r.received, '', `${kind}: nothing reached the provider`);
    }
  }
  const ok = await send(gw, chat, { model: chat.model, messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: JSON.stringify({ q: '```\nsk-learn and ghp_XXXX\n```' }) } }] }, { role: 'user', content: 'go on' }] });
  t.equal(ok.status, 200, 'look-alikes after an escaped line break are forwarded');
});
