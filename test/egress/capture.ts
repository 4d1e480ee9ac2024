// Sending raw requests through a demo gateway and reading what its stand-in provider captured.
import { request } from 'undici';
import type { DemoGateway } from '../support/demo-gateway.js';
import { chat, type Endpoint } from './cases.js';

export interface Sent {
  status: number;
  body: { error?: { message?: string }; type?: string } & Record<string, unknown>;
  /** Everything the provider received for this call, body and headers, as JSON text ('' when nothing reached it). */
  received: string;
}

export async function send(gw: DemoGateway, endpoint: Endpoint, body: unknown, headers: Record<string, string> = {}): Promise<Sent> {
  const before = gw.mock.received().length;
  const auth: Record<string, string> = endpoint.anthropic ? { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01' } : { authorization: `Bearer ${gw.key}` };
  const res = await request(`${gw.url}${endpoint.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  const received = gw.mock
    .received()
    .slice(before)
    .map((r) => JSON.stringify(r.body) + JSON.stringify(r.headers))
    .join('\n');
  return { status: res.statusCode, body: JSON.parse(text), received };
}

/** A chat message asking the model to file `value`: how the personal-data tests put a value in front of the provider. */
export function sendFiled(gw: DemoGateway, value: string): Promise<Sent> {
  return send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: `Please file this: ${value} thanks` }] });
}

/** The call was refused for `dataClass` and nothing of it reached the provider. */
export function assertRefused(t: Tap.Test, sent: Sent, dataClass: string, label: string): void {
  t.equal(sent.status, 403, label);
  t.match(sent.body.error?.message, new RegExp(`may not send ${dataClass.replace(/\./g, '\\.')}`));
  t.equal(sent.received, '', 'nothing reached the provider');
}
