// Where a caller might put a secret in a request, and how it might disguise it. Shared by the
// capture-server table test and the property test; the README's egress table lists the same cases.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface Endpoint {
  path: string;
  model: string;
  anthropic?: boolean;
}

export const chat: Endpoint = { path: '/v1/chat/completions', model: 'gpt-4o-mini' };
export const messages: Endpoint = { path: '/v1/messages', model: 'claude-3-5-haiku-latest', anthropic: true };
export const responses: Endpoint = { path: '/v1/responses', model: 'gpt-4o-mini' };
export const completions: Endpoint = { path: '/v1/completions', model: 'gpt-4o-mini' };
export const embeddings: Endpoint = { path: '/v1/embeddings', model: 'text-embedding-3-small' };

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A fresh AWS access key id of the real shape (AKIA + 16 base32 characters). */
export function awsKeyId(): string {
  return 'AKIA' + [...randomBytes(16)].map((b) => upper[b % 32]).join('');
}

/** A fresh 40-character AWS secret access key of the real shape. */
export function awsSecretKey(): string {
  return randomBytes(30).toString('base64');
}

let pem: string | null = null;
/** A real PKCS#8 RSA private key in PEM armour (generated once per process). */
export function privateKeyPem(): string {
  pem ??= generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return pem;
}

export interface Placement {
  name: string;
  endpoint: Endpoint;
  /** The request body with the (possibly disguised) secret placed; `parts` when the secret is split in two. */
  body(secret: string): Record<string, unknown>;
  /** The path a denial must name. */
  path: RegExp;
}

const user = (content: unknown) => [{ role: 'user', content }];

export const placements: Placement[] = [
  { name: 'chat: message content', endpoint: chat, body: (s) => ({ model: chat.model, messages: user(`debug this: ${s}`) }), path: /messages\[0\]\.content/ },
  { name: 'chat: user', endpoint: chat, body: (s) => ({ model: chat.model, messages: user('hi'), user: s }), path: /\buser\b/ },
  { name: 'chat: metadata', endpoint: chat, body: (s) => ({ model: chat.model, messages: user('hi'), store: true, metadata: { note: s } }), path: /metadata\.note/ },
  {
    name: 'chat: tools[].function.description',
    endpoint: chat,
    body: (s) => ({ model: chat.model, messages: user('hi'), tools: [{ type: 'function', function: { name: 'f', description: `uses ${s}`, parameters: { type: 'object', properties: {} } } }] }),
    path: /tools\[0\]\.function\.description/,
  },
  {
    name: 'chat: tool parameter default',
    endpoint: chat,
    body: (s) => ({ model: chat.model, messages: user('hi'), tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { key: { type: 'string', default: s } } } } }] }),
    path: /tools\[0\]\.function\.parameters\.properties\.key\.default/,
  },
  { name: 'chat: prediction.content', endpoint: chat, body: (s) => ({ model: chat.model, messages: user('hi'), prediction: { type: 'content', content: s } }), path: /prediction\.content/ },
  {
    name: 'chat: response_format.json_schema',
    endpoint: chat,
    body: (s) => ({ model: chat.model, messages: user('hi'), response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', description: s } } } }),
    path: /response_format\.json_schema\.schema\.description/,
  },
  {
    name: 'chat: object key inside a message',
    endpoint: chat,
    body: (s) => ({ model: chat.model, messages: [{ role: 'user', content: 'hi', [s]: 1 }] }),
    path: /messages\[0\]\[key 2\] \(object key\)/,
  },
  {
    name: 'anthropic: tools[].description',
    endpoint: messages,
    body: (s) => ({ model: messages.model, max_tokens: 16, messages: user('hi'), tools: [{ name: 't', description: s, input_schema: { type: 'object' } }] }),
    path: /tools\[0\]\.description/,
  },
  { name: 'anthropic: metadata.user_id', endpoint: messages, body: (s) => ({ model: messages.model, max_tokens: 16, messages: user('hi'), metadata: { user_id: s } }), path: /metadata\.user_id/ },
  { name: 'anthropic: stop_sequences', endpoint: messages, body: (s) => ({ model: messages.model, max_tokens: 16, messages: user('hi'), stop_sequences: ['END', s] }), path: /stop_sequences\[1\]/ },
  { name: 'anthropic: system blocks', endpoint: messages, body: (s) => ({ model: messages.model, max_tokens: 16, system: [{ type: 'text', text: s }], messages: user('hi') }), path: /system\[0\]\.text/ },
  {
    name: 'responses: instructions as an array',
    endpoint: responses,
    body: (s) => ({ model: responses.model, input: 'hi', instructions: [{ role: 'developer', content: s }] }),
    path: /instructions\[0\]\.content/,
  },
  { name: 'responses: tools', endpoint: responses, body: (s) => ({ model: responses.model, input: 'hi', tools: [{ type: 'function', name: 'f', description: s, parameters: {} }] }), path: /tools\[0\]\.description/ },
  { name: 'responses: metadata', endpoint: responses, body: (s) => ({ model: responses.model, input: 'hi', metadata: { ticket: s } }), path: /metadata\.ticket/ },
  {
    name: 'responses: text.format',
    endpoint: responses,
    body: (s) => ({ model: responses.model, input: 'hi', text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object', description: s } } } }),
    path: /text\.format\.schema\.description/,
  },
  { name: 'completions: suffix', endpoint: completions, body: (s) => ({ model: completions.model, prompt: 'def f():', suffix: s }), path: /\bsuffix\b/ },
  { name: 'completions: stop', endpoint: completions, body: (s) => ({ model: completions.model, prompt: 'hi', stop: ['\n', s] }), path: /stop\[1\]/ },
  { name: 'embeddings: user', endpoint: embeddings, body: (s) => ({ model: embeddings.model, input: 'hello', user: s }), path: /\buser\b/ },
  { name: 'embeddings: input array', endpoint: embeddings, body: (s) => ({ model: embeddings.model, input: ['hello', s] }), path: /input\[1\]/ },
];

export interface Disguise {
  name: string;
  endpoint: Endpoint;
  /** The request body (an object, or raw JSON text) carrying a fresh secret in this disguise. */
  body(): Record<string, unknown> | string;
}

const homoglyphs: Record<string, string> = { A: '\u0410', K: '\u041a', I: '\u0406', E: '\u0415', O: '\u041e', P: '\u0420', C: '\u0421', T: '\u0422', X: '\u0425' };
const fullwidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const bold = (s: string) => [...s].map((c) => (/[A-Z]/.test(c) ? String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65) : /[0-9]/.test(c) ? String.fromCodePoint(0x1d7ce + c.charCodeAt(0) - 48) : c)).join('');
const interleave = (s: string, ch: string) => [...s].join(ch);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const chatWith = (content: string) => ({ model: chat.model, messages: user(content) });
const armour = (pem: string, f: (line: string) => string) => pem.replace(/^-----.*-----$/gm, f);

/** A PuTTY private key file of the real layout (version 3, ed25519). */
export function puttyKey(): string {
  const key = generateKeyPairSync('ed25519');
  const pub = key.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  const priv = key.privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(-32);
  return [
    'PuTTY-User-Key-File-3: ssh-ed25519',
    'Encryption: none',
    'Comment: deploy@build',
    'Public-Lines: 2',
    b64(Buffer.concat([Buffer.from('\0\0\0\x0bssh-ed25519\0\0\0 ', 'latin1'), pub]).toString('latin1')),
    'Private-Lines: 1',
    priv.toString('base64'),
    `Private-MAC: ${randomBytes(32).toString('hex')}`,
  ].join('\n');
}

export const disguises: Disguise[] = [
  { name: 'AWS key split across two messages', endpoint: chat, body: () => { const k = awsKeyId(); return { model: chat.model, messages: [{ role: 'user', content: `first half ${k.slice(0, 10)}` }, { role: 'assistant', content: 'go on' }, { role: 'user', content: `${k.slice(10)} second half` }] }; } },
  { name: 'AWS key split across two content parts', endpoint: chat, body: () => { const k = awsKeyId(); return { model: chat.model, messages: user([{ type: 'text', text: k.slice(0, 7) }, { type: 'text', text: k.slice(7) }]) }; } },
  { name: 'AWS key split across Anthropic text blocks', endpoint: messages, body: () => { const k = awsKeyId(); return { model: messages.model, max_tokens: 16, messages: user([{ type: 'text', text: `key ${k.slice(0, 12)}` }, { type: 'text', text: k.slice(12) }]) }; } },
  { name: 'base64', endpoint: chat, body: () => chatWith(`decode this: ${b64(`aws_access_key_id=${awsKeyId()}`)}`) },
  { name: 'base64url', endpoint: chat, body: () => chatWith(Buffer.from(`id ${awsKeyId()} ok?>`).toString('base64url')) },
  { name: 'base64 inside base64', endpoint: chat, body: () => chatWith(b64(`config: ${b64(`key=${awsKeyId()}`)}`)) },
  { name: 'data: URI (base64)', endpoint: chat, body: () => chatWith(`![x](data:text/plain;base64,${b64(`AWS ${awsKeyId()}`)})`) },
  { name: 'data: URI (percent-encoded)', endpoint: chat, body: () => chatWith(`data:text/plain,${[...awsKeyId()].map((c) => '%' + c.charCodeAt(0).toString(16)).join('')}`) },
  { name: 'data: URI in an image_url part', endpoint: chat, body: () => ({ model: chat.model, messages: user([{ type: 'image_url', image_url: { url: `data:image/png;base64,${b64(privateKeyPem())}` } }]) }) },
  {
    name: 'Anthropic document source (base64 text)',
    endpoint: messages,
    body: () => ({ model: messages.model, max_tokens: 16, messages: user([{ type: 'document', source: { type: 'base64', media_type: 'text/plain', data: b64(`notes\n${privateKeyPem()}`) } }, { type: 'text', text: 'summarise' }]) }),
  },
  { name: 'Cyrillic homoglyphs inside the key', endpoint: chat, body: () => chatWith(awsKeyId().replace(/[AKIEOPCTX]/g, (c) => homoglyphs[c])) },
  { name: 'U+200B between every character', endpoint: chat, body: () => chatWith(interleave(awsKeyId(), '\u200b')) },
  { name: 'U+00AD (soft hyphen) inside the key', endpoint: chat, body: () => chatWith(interleave(awsKeyId(), '\u00ad')) },
  { name: 'fullwidth letters', endpoint: chat, body: () => chatWith(fullwidth(awsKeyId())) },
  { name: 'mathematical bold letters', endpoint: chat, body: () => chatWith(bold(awsKeyId())) },
  { name: 'tag characters and word joiners inside the key', endpoint: chat, body: () => chatWith(interleave(awsKeyId(), '\u{e0020}\u2060')) },
  { name: 'word character glued to the key (key_AKIA…)', endpoint: chat, body: () => chatWith(`key_${awsKeyId()}_prod`) },
  { name: 'JSON \\u escapes for every character', endpoint: chat, body: () => `{"model":"${chat.model}","messages":[{"role":"user","content":"${[...awsKeyId()].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('')}"}]}` },
  { name: 'PEM header in lower case', endpoint: chat, body: () => chatWith(armour(privateKeyPem(), (l) => l.toLowerCase())) },
  { name: 'PEM header with a double space', endpoint: chat, body: () => chatWith(armour(privateKeyPem(), (l) => l.replace(' ', '  '))) },
  { name: 'PEM header with NBSP', endpoint: chat, body: () => chatWith(armour(privateKeyPem(), (l) => l.replace(/ /g, '\u00a0'))) },
  { name: 'PEM header with four dashes', endpoint: chat, body: () => chatWith(armour(privateKeyPem(), (l) => l.replace(/-----/g, '----'))) },
  { name: 'PEM body alone', endpoint: chat, body: () => chatWith(`here it is:\n${privateKeyPem().split('\n').filter((l) => !l.startsWith('-')).join('\n')}`) },
  { name: 'PEM body on one line', endpoint: chat, body: () => chatWith(privateKeyPem().split('\n').filter((l) => !l.startsWith('-')).join('')) },
  { name: 'PuTTY private key', endpoint: chat, body: () => chatWith(`my key file:\n${puttyKey()}`) },
  { name: 'AWS secret access key (40 chars), with its name', endpoint: chat, body: () => chatWith(`aws_secret_access_key = ${awsSecretKey()}`) },
  { name: 'AWS secret access key (40 chars), alone', endpoint: chat, body: () => chatWith(`try ${awsSecretKey()} please`) },
  { name: 'high-entropy value next to a credential keyword', endpoint: chat, body: () => chatWith(`DB_PASSWORD="${randomBytes(12).toString('base64url')}7"`) },
  { name: 'AWS key spelt out with spaces between the characters', endpoint: chat, body: () => chatWith([...awsKeyId()].join(' ')) },
  { name: 'AWS key in groups of four with dashes', endpoint: chat, body: () => chatWith(awsKeyId().match(/.{4}/g)!.join('-')) },
  { name: 'AWS key hex-encoded', endpoint: chat, body: () => chatWith(Buffer.from(`key=${awsKeyId()}`).toString('hex')) },
  { name: 'AWS key percent-encoded in a URL', endpoint: chat, body: () => chatWith(`https://example.com/?k=${[...awsKeyId()].map((c) => '%' + c.charCodeAt(0).toString(16)).join('')}`) },
  { name: 'database connection string with a password (secretlint rule set)', endpoint: chat, body: () => chatWith(`connect to postgres://admin:${randomBytes(9).toString('base64url')}@db.internal:5432/app`) },
  { name: 'OpenAI key in a completions stop list, homoglyphs', endpoint: completions, body: () => ({ model: completions.model, prompt: 'x', stop: [`ѕk-proj-${randomBytes(24).toString('base64url')}`] }) },
];
