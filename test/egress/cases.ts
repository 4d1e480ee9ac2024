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
