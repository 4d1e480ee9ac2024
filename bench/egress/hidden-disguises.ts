// Issue 23's hidden-disguise aim: of disguises × placements drawn from a seed (combinations no test lists:
// each draw composes one to three transformations of a fresh random credential of one of ten types, then
// puts it in one of several places of a chat or Anthropic body, or splits it over turns), the share the
// classification finds as a secret, i.e. refused to an external provider or masked where masking applies.
// The classification is the one the gateway runs (headers and body as one view), called in-process.
// Aim: ≥ 99 %. Usage: npx tsx bench/egress/hidden-disguises.ts [--seed N] [--count N] [--show] (--show: each missed view too)
import { deflateSync, gzipSync } from 'node:zlib';
import { scanView } from '../../gateway/classify/body.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seed = arg('--seed', 20261204);
const count = arg('--count', 2000);

// mulberry32: a small seeded generator, so a run is repeatable from its seed.
let state = seed >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let x = state;
  x = Math.imul(x ^ (x >>> 15), x | 1);
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => pick([...alphabet])).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// A digit and both cases, as a live key has.
const body = (n: number) => chars(ALNUM, n - 3) + pick(['q7Z', 'B4k', 'x9M']);

const credentials: Record<string, () => string> = {
  aws: () => `AKIA${chars(UPPER, 13)}Q7Z`,
  github: () => `ghp_${body(36)}`,
  githubFineGrained: () => `github_pat_${body(82)}`,
  gitlab: () => `glpat-${body(20)}`,
  stripe: () => `sk_live_${body(28)}`,
  openai: () => `sk-proj-${body(48)}`,
  anthropic: () => `sk-ant-api03-${body(93)}AA`,
  huggingface: () => `hf_${body(34)}`,
  slack: () => `xoxb-${chars('0123456789', 12)}-${chars('0123456789', 13)}-${body(24)}`,
  google: () => `AIza${body(35)}`,
};

const homoglyphs: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х', a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у' };
const rot13 = (s: string) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - (c <= 'Z' ? 65 : 97) + 13) % 26) + (c <= 'Z' ? 65 : 97)));
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** Transformations of a credential's text, each applied to the text so far. */
const transforms: Record<string, (s: string) => string> = {
  'random separators between characters': (s) => {
    const sep = pick([' ', '  ', '   ', '*', ' * ', '.', '·', ' | ', ', ']);
    return [...s].join(sep);
  },
  'groups of 3–5 with dashes or spaces': (s) => s.match(new RegExp(`.{1,${pick([3, 4, 5])}}`, 'g'))!.join(pick(['-', ' ', ' - '])),
  'Cyrillic homoglyphs': (s) => s.replace(/[A-Za-z]/g, (c) => (random() < 0.5 && homoglyphs[c] ? homoglyphs[c] : c)),
  'fullwidth': (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  'zero-width characters inside': (s) => [...s].map((c) => (random() < 0.3 ? c + pick(['\u200b', '\u200d', '\u2060', '\ufeff']) : c)).join(''),
  'soft hyphens inside': (s) => [...s].map((c) => (random() < 0.3 ? c + '\u00ad' : c)).join(''),
  base64: (s) => b64(`${pick(['key', 'token', 'creds', 'use'])}: ${s}`),
  base64url: (s) => Buffer.from(`k=${s}`).toString('base64url'),
  hex: (s) => Buffer.from(`${s}\n`).toString('hex'),
  'percent-encoded': (s) => [...s].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
  rot13,
  reversed: (s) => [...s].reverse().join(''),
  'numeric HTML entities': (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join(''),
  '\\u escapes as text': (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  'named references for _ and -': (s) => s.replace(/_/g, pick(['&lowbar;', '&UnderBar;'])).replace(/-/g, pick(['&hyphen;', '&minus;', '&dash;'])),
  'gzip then base64': (s) => b64(gzipSync(`secret ${s}`)),
  'deflate then base64': (s) => b64(deflateSync(`secret ${s}`)),
  'quoted in JSON text': (s) => JSON.stringify({ apiKey: s }),
  'inside a URL query': (s) => `https://api.example.com/v1/x?token=${encodeURIComponent(s)}&v=2`,
  'wrapped in markdown code': (s) => '```\n' + s + '\n```',
  'glued to the word before it': (s) => `${pick(['token', 'my', 'key9', 'x', 'Use'])}${s}`,
  'concatenated literals': (s) => s.match(new RegExp(`[\\s\\S]{1,${pick([3, 5, 8])}}`, 'g'))!.map((g) => JSON.stringify(g)).join(pick([' + ', '+', ' ', ', '])),
  'character codes': (s) => [...s].map((c) => (pick([true, false]) ? c.charCodeAt(0) : `0x${c.charCodeAt(0).toString(16)}`)).join(pick([', ', ' ', ','])),
  'markup between characters': (s) => s.match(/[\s\S]{1,3}/g)!.map((g) => ((tag) => `<${tag}>${g}</${tag}>`)(pick(['b', 'i', 'span']))).join(''),
  'Caesar shift other than 13': (s) => {
    const n = pick([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    return s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - (c <= 'Z' ? 65 : 97) + n) % 26) + (c <= 'Z' ? 65 : 97)));
  },
  ROT47: (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(33 + ((c.charCodeAt(0) - 33 + 47) % 94))),
  Atbash: (s) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode((c <= 'Z' ? 155 : 219) - c.charCodeAt(0))),
};
// Those that leave a text still readable by the next one (a base64 of a ROT13 is not undone by anything).
const composable = new Set(['random separators between characters', 'groups of 3–5 with dashes or spaces', 'Cyrillic homoglyphs', 'fullwidth', 'zero-width characters inside', 'soft hyphens inside', 'quoted in JSON text', 'wrapped in markdown code', 'inside a URL query']);

type Place = (secret: string) => { headers: Record<string, string>; body: Record<string, unknown> };
const words = () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(['please', 'debug', 'the', 'deploy', 'config', 'it', 'fails', 'with', 'this', 'value', '—', 'ok?'])).join(' ');
const placements: Record<string, Place> = {
  'chat content': (s) => ({ headers: {}, body: { model: 'm', messages: [{ role: 'user', content: `${words()} ${s} ${words()}` }] } }),
  'system message': (s) => ({ headers: {}, body: { model: 'm', messages: [{ role: 'system', content: `${words()} ${s}` }, { role: 'user', content: 'hi' }] } }),
  'content part text': (s) => ({ headers: {}, body: { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: words() }, { type: 'text', text: s }] }] } }),
  'tool call arguments': (s) => ({ headers: {}, body: { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: JSON.stringify({ q: s }) } }] }] } }),
  'Anthropic system block': (s) => ({ headers: {}, body: { model: 'm', max_tokens: 8, system: [{ type: 'text', text: s }], messages: [{ role: 'user', content: 'hi' }] } }),
  'metadata value': (s) => ({ headers: {}, body: { model: 'm', metadata: { note: s }, messages: [{ role: 'user', content: 'hi' }] } }),
  'forwarded header': (s) => ({ headers: { 'user-agent': `tool/1.0 ${s}` }, body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } }),
  'split over two turns, words between': (s) => {
    const cut = 1 + Math.floor(random() * (s.length - 2));
    const between = Array.from({ length: Math.floor(random() * 5) }, (_, i) => ({ role: i % 2 ? 'user' : 'assistant', content: words() }));
    return { headers: {}, body: { model: 'm', messages: [{ role: 'user', content: `${words()} ${s.slice(0, cut)}` }, ...between, { role: 'user', content: `${s.slice(cut)} ${words()}` }] } };
  },
};

const found: Record<string, [number, number]> = {};
const tally = (key: string, hit: boolean) => {
  const t = (found[key] ??= [0, 0]);
  t[0] += hit ? 1 : 0;
  t[1]++;
};
const misses: string[] = [];
let hits = 0;
for (let n = 0; n < count; n++) {
  const type = pick(Object.keys(credentials));
  const chain = [pick(Object.keys(transforms))];
  while (chain.length < 3 && random() < 0.4) {
    const next = pick([...composable]);
    if (!chain.includes(next)) chain.unshift(next);
  }
  const place = pick(Object.keys(placements));
  const secret = chain.reduce((s, name) => transforms[name](s), credentials[type]());
  const { headers, body } = placements[place](secret);
  const hit = scanView(headers, body, { decodedBytes: 1 << 20 }).findings.some((f) => f.dataClass.startsWith('secret.'));
  if (hit) hits++;
  else if (misses.length < 15) misses.push(`${type} | ${chain.join(' → ')} | ${place}${process.argv.includes('--show') ? `\n    ${JSON.stringify({ headers, body })}` : ''}`);
  tally(`credential ${type}`, hit);
  for (const c of chain) tally(`disguise ${c}`, hit);
  tally(`placement ${place}`, hit);
}
console.log(`seed ${seed}, ${count} draws: ${hits} found (${((hits / count) * 100).toFixed(2)} %), aim ≥ 99 %`);
const below = Object.entries(found).filter(([, [h, n]]) => h < n).sort(([, a], [, b]) => a[0] / a[1] - b[0] / b[1]);
for (const [k, [h, n]] of below) console.log(`  ${k}: ${h}/${n} (${((h / n) * 100).toFixed(1)} %)`);
for (const m of misses) console.log(`  missed: ${m}`);
