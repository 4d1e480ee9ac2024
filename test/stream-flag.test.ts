// A `stream` that is not true, false or null ("true", 1, "yes": what vLLM's request models read as true)
// is refused with 400 in the caller's dialect and recorded; nothing reaches the provider, so it cannot
// answer with a stream the gateway would read as JSON.
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { finalRecord } from './support/gateway-calls.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const cases = [
  ['/v1/chat/completions', { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'hi' }] }, 'openai'],
  ['/v1/completions', { model: 'qwen2.5-7b-instruct', prompt: 'hi' }, 'openai'],
  ['/v1/messages', { model: 'qwen2.5-7b-instruct', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }, 'anthropic'],
] as const;

for (const [path, body, dialect] of cases) {
  t.test(`${path}: stream as a string, a number or an array is the caller's mistake`, async (t) => {
    for (const stream of ['true', 1, [true]]) {
      const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ ...body, stream }) });
      const answer = (await res.json()) as { type?: string; error: { message: string; type: string; decision_id: string } };
      t.equal(res.status, 400, `${JSON.stringify(stream)}: 400`);
      t.equal(res.headers.get('content-type')?.startsWith('application/json'), true);
      t.equal(answer.error.message, '`stream` must be true or false');
      if (dialect === 'anthropic') t.equal(answer.type, 'error', 'in the Anthropic shape');
      t.equal(answer.error.type, 'invalid_request_error');
      const record = await finalRecord(gw, answer.error.decision_id);
      t.match(record, { status: 400, provider: null }, 'recorded, and no provider was called');
    }
    const ok = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ ...body, stream: null }) });
    t.equal(ok.status, 200, 'stream: null asks for JSON');
    await ok.text();
  });
}
