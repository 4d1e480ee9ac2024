// Issue 21 through the real gateway, a hostile provider on 127.0.0.1 in place of the vllm provider:
// what the client receives and the call's final record agree, and nothing failed is trainable.
import t from 'tap';
import { createServer } from 'node:http';
import { startDemoGateway } from './support/demo-gateway.js';

// What the provider answers, chosen by the last word of the prompt.
const SIZE = 12 * 1024 * 1024; // wrapped base64 of a few MB overflowed the screen's patterns (RangeError) before
const wrapped = 'QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n'.repeat(SIZE / 77);
const chunk = (content: string, finish: string | null) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const answers: Record<string, { type: string; body: string }> = {
  big: { type: 'text/event-stream', body: `data: ${chunk(wrapped, 'stop')}\n\ndata: [DONE]\n\n` },
  deep: { type: 'application/json', body: `{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"x":${'['.repeat(20000)}${']'.repeat(20000)}}` },
  'json-as-sse': { type: 'text/event-stream', body: JSON.stringify({ id: 'c', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] }) },
  'garbage-as-sse': { type: 'text/event-stream', body: 'this is not an event stream\n\n' },
  'sse-as-json': { type: 'application/json', body: `data: ${chunk('hi', 'stop')}\n\ndata: [DONE]\n\n` },
  empty: { type: 'text/event-stream', body: '' },
};
const provider = createServer((req, res) => {
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    const content = String(JSON.parse(raw).messages.at(-1).content);
    const a = answers[content.split(' ').at(-1)!];
    res.writeHead(200, { 'content-type': a.type });
    res.end(a.body);
  });
});
await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
t.teardown(() => provider.close());
const gw = await startDemoGateway((c) => {
  c.providers.vllm.baseUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}`;
  // The single big event is over the default event bound (test/upstream-bounds.test.ts tests that); here it must pass.
  c.limits.upstreamEventBytes = 2 * SIZE;
  c.limits.upstreamAnswerBytes = 2 * SIZE;
});
t.teardown(() => gw.close());

async function call(kind: string, stream: boolean) {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'qwen2.5-7b-instruct', stream, messages: [{ role: 'user', content: `answer ${kind}` }] }),
  });
  const id = res.headers.get('x-termsgate-decision-id')!;
  const body = await res.text();
  const { records } = (await (await fetch(`${gw.url}/admin/v1/audit/records?decision_id=${id}`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).json()) as { records: { record: any }[] };
  const mine = records.map((e) => e.record).filter((r) => r.decision_id === id);
  return { status: res.status, body, final: mine.find((r) => r.phase !== 'started'), phases: mine.map((r) => r.phase) };
}

async function feedIds(): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 400));
  const res = await fetch(`${gw.url}/training/v1/feed?cursor=0&limit=1000`, { headers: { authorization: `Bearer ${gw.runnerToken}` } });
  return ((await res.json()) as { records: { example: { decision_id: string } }[] }).records.map((r) => r.example.decision_id);
}

t.test('a single event of 12 MB of wrapped base64: delivered whole, recorded completed', async (t) => {
  const r = await call('big', true);
  t.equal(r.status, 200);
  t.ok(r.body.endsWith('data: [DONE]\n\n'), 'the stream ends with its last event');
  t.ok(r.body.length > SIZE, 'delivered in full');
  t.match(r.final, { phase: 'completed', status: 200, error: null });
  t.same(r.phases, ['started', 'completed']);
});

t.test('an answer nested 20,000 deep: a 502 with its failed record, no permit', async (t) => {
  const r = await call('deep', false);
  t.equal(r.status, 502);
  t.match(JSON.parse(r.body), { error: { message: /nested deeper than 256 levels/, type: 'upstream_error' } });
  t.match(r.final, { phase: 'failed', status: 502, error: /nested deeper/, training_permit_id: null });
  t.notOk((await feedIds()).includes(r.final.decision_id));
});

t.test('mislabelled and empty streams: the stream error event, a failed record, no permit', async (t) => {
  for (const kind of ['json-as-sse', 'garbage-as-sse', 'empty']) {
    const r = await call(kind, true);
    t.equal(r.status, 200, kind);
    t.match(r.body, /data: \{"error":\{"message":"the provider's answer is labelled an event stream but carries no events/, `${kind}: error event`);
    t.match(r.final, { phase: 'failed', status: 502, training_permit_id: null }, kind);
    t.notOk((await feedIds()).includes(r.final.decision_id));
  }
  const r = await call('sse-as-json', true);
  t.equal(r.status, 502);
  t.match(JSON.parse(r.body), { error: { message: /event stream labelled as JSON|asked for a stream is not an event stream/ } });
  t.match(r.final, { phase: 'failed', status: 502, training_permit_id: null });
});
