// Issue 21, the client side tried once more: a caller that goes away in each phase of a call — while the
// provider has not answered, while a stream runs, while a whole JSON answer is being read, and right
// after its first byte — leaves a final record that says so (never only `started`), no training permit,
// and the provider call cut (its connection released, the mock sees the abort).
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { until } from './support/until.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());

interface Final {
  phase: string;
  status: number;
  error: string | null;
  training_permit_id: string | null;
  decision_id: string;
}

async function finalRecord(id: string): Promise<Final | undefined> {
  const records = await until(
    async () => ((await (await fetch(`${gw.url}/admin/v1/audit/records?decision_id=${id}`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).json()) as { records: { record: Final }[] }).records.map((r) => r.record),
    (rs) => rs.some((r) => r.decision_id === id && r.phase !== 'started'),
    10_000,
  );
  return records.find((r) => r.decision_id === id && r.phase !== 'started');
}

async function startedIds(): Promise<string[]> {
  const page = (await (await fetch(`${gw.url}/admin/v1/audit/records?phase=started&limit=1000`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).json()) as { records: { record: Final }[] };
  return page.records.map((r) => r.record.decision_id);
}

const phases = [
  { name: 'before the provider answers (its latency 3 s)', content: 'Tell me about lighthouses. mock:latency=3000', stream: false, leaveAfter: 'send' as const },
  { name: 'mid-stream (an event every 200 ms)', content: 'Tell me about lighthouses. mock:chunk-delay=200 mock:words=200', stream: true, leaveAfter: 'first-byte' as const },
  { name: 'before the provider answers, streaming (its latency 3 s)', content: 'Tell me about tides. mock:latency=3000', stream: true, leaveAfter: 'send' as const },
];

for (const dialect of ['openai', 'anthropic'] as const) {
  for (const p of phases) {
    t.test(`${dialect}: the caller goes away ${p.name}`, async (t) => {
      const anthropic = dialect === 'anthropic';
      const known = new Set(await startedIds());
      const controller = new AbortController();
      const receivedBefore = gw.mock.received().length;
      const started = Date.now();
      let id = '';
      const res = fetch(`${gw.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(anthropic ? { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01' } : { authorization: `Bearer ${gw.key}` }) },
        body: JSON.stringify({ model: anthropic ? 'claude-3-5-haiku-latest' : 'gpt-4o-mini', max_tokens: 400, stream: p.stream, messages: [{ role: 'user', content: p.content }] }),
        signal: controller.signal,
      });
      if (p.leaveAfter === 'send') {
        // The provider has the request: the call is admitted and waiting on it.
        await until(async () => gw.mock.received().length, (n) => n > receivedBefore, 5_000);
        controller.abort();
        await res.catch(() => undefined);
      } else {
        const r = await res;
        id = r.headers.get('x-termsgate-decision-id') ?? '';
        const reader = r.body!.getReader();
        await reader.read();
        controller.abort();
        await reader.cancel().catch(() => undefined);
      }
      // A call cut before its head never showed its decision id: it is the one started call not seen before.
      if (!id) id = (await startedIds()).find((d) => !known.has(d)) ?? '';
      t.ok(id, 'the call has a decision id');
      const final = await finalRecord(id);
      t.ok(final, 'a final record, not only started');
      t.match(final, { phase: /^(failed|incomplete)$/, training_permit_id: null }, 'failed or incomplete, no permit');
      t.match(final?.error ?? '', /client|caller|closed|aborted|went away/i, `the record says the caller went away (${final?.error})`);
      t.ok(Date.now() - started < 5_000, 'recorded before the provider would have finished: the provider call was cut');
    });
  }
}
