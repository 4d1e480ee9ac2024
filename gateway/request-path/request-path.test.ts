// The request path alone, with fake stages and a fake audit sink: the order in which it records,
// calls the provider and answers.
import t from 'tap';
import fc from 'fast-check';
import { openaiChat } from '../dialects/openai-chat.js';
import { FAKE_KEY, FAKE_MODEL, FakeSink, fakeStages, type FakeOptions } from './fake-stages.js';
import { RequestPath } from './request-path.js';

const headers = { authorization: `Bearer ${FAKE_KEY}`, 'content-type': 'application/json' };
const body = { model: FAKE_MODEL, messages: [{ role: 'user', content: 'hello' }] };

async function run(opts: FakeOptions, callBody: unknown = body) {
  const stages = fakeStages(opts);
  const path = new RequestPath(stages.deps);
  const sink = new FakeSink(stages.events);
  const call = await path.admit(openaiChat, headers, sink);
  if (call) await path.handle(call, callBody, sink);
  return { ...stages, sink };
}

const before = (events: string[], a: string, b: string) => events.indexOf(a) >= 0 && events.indexOf(a) < events.indexOf(b);

t.test('a denied call is recorded, then answered', async (t) => {
  const { events, sink, records } = await run({ allow: false });
  t.same(events, ['authenticate', 'classify', 'decide', 'record denied', 'answer 403', 'answer end']);
  t.equal(sink.headers['x-termsgate-decision-id'], records[0].record.decision_id);
  t.match(JSON.parse(sink.body), { error: { code: 'termsgate_policy_denied' } });
});

t.test('an allowed call: started recorded before the provider is called, completed before the answer', async (t) => {
  const { events, sink, records } = await run({});
  t.same(events, ['authenticate', 'classify', 'decide', 'record started', 'upstream', 'feed', 'remember', 'record completed', 'answer 200', 'answer end']);
  t.equal(sink.status, 200);
  t.equal(new Set(records.map((r) => r.record.decision_id)).size, 1, 'one decision id');
});

t.test('a streamed answer: events go out as they come, the last only after the completed record', async (t) => {
  const chunk = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
  const { events, sink } = await run({ upstream: { status: 200, contentType: 'text/event-stream', body: [chunk('an '), chunk('answer'), chunk('', 'stop') + 'data: [DONE]\n\n'] } });
  t.ok(before(events, 'upstream', 'answer part'), 'parts are sent while the provider streams');
  t.ok(before(events, 'record completed', 'answer end'), 'the last event follows the record');
  t.ok(sink.body.endsWith('data: [DONE]\n\n'), 'the held-back event is delivered');
  t.equal(events.filter((e) => e === 'answer part').length, 2, 'every event but the newest went out before the record');
});

t.test('a classification failure fails closed: 403, recorded, never forwarded', async (t) => {
  const { events, sink, records } = await run({ classifyFails: true });
  t.equal(sink.status, 403);
  t.notOk(events.includes('upstream'));
  t.equal(records[0].record.phase, 'denied');
  t.equal(records[0].record.reasons[0].rule, 'termsgate.fail_closed');
  t.ok(before(events, 'record denied', 'answer 403'));
});

t.test('a busy classifier answers 503 (retry), recorded, never forwarded, not a denial', async (t) => {
  const { events, sink, records } = await run({ classifyBusy: true });
  t.equal(sink.status, 503);
  t.notOk(events.includes('upstream'));
  t.equal(records[0].record.phase, 'failed');
  t.match(JSON.parse(sink.body), { error: { message: /too busy to classify/ } });
  t.ok(before(events, 'record failed', 'answer 503'));
});

t.test('an audit append failure answers 503 without a decision id', async (t) => {
  const { events, sink } = await run({ auditFails: true });
  t.equal(sink.status, 503);
  t.notOk('x-termsgate-decision-id' in sink.headers);
  t.notOk(events.includes('upstream'), 'the provider is not called without a started record');
  const answer = JSON.parse(sink.body);
  t.equal(answer.error.code, 'termsgate_audit_unavailable');
  t.notOk(JSON.stringify(answer).includes('decision_id'));
});

t.test('a bad key is refused at admission, with its record, and the body is never handled', async (t) => {
  const stages = fakeStages();
  const sink = new FakeSink(stages.events);
  t.equal(await new RequestPath(stages.deps).admit(openaiChat, { authorization: 'Bearer wrong' }, sink), null);
  t.same(stages.events, ['authenticate', 'record denied', 'answer 401', 'answer end']);
});

t.test('redacted logging: every record of the call names the same request, as the log keeps it', async (t) => {
  const { records } = await run({ contentLogging: 'redacted' }, { model: FAKE_MODEL, messages: [{ role: 'user', content: 'write to ada@example.com' }] });
  const [started, completed] = records;
  t.same(started.content, { request: { model: FAKE_MODEL, messages: [{ role: 'user', content: 'write to [pii.email]' }] }, digestOnly: true });
  t.same(completed.content?.request, started.content?.request);
  t.equal(completed.content?.digestOnly, false, 'the last record stores it');
});

t.test('property: any provider status ≥ 400 is recorded failed before it is answered', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 400, max: 599 }), async (status) => {
      const { events, records, sink } = await run({ upstream: { status, body: JSON.stringify({ error: { message: 'no' } }) } });
      const failed = records.find((r) => r.record.phase === 'failed');
      if (!failed) return false;
      // The provider refusing the gateway's own credentials is answered 502.
      const answered = status === 401 || status === 403 ? 502 : status;
      return failed.record.status === answered && sink.status === answered && before(events, 'record failed', `answer ${answered}`);
    }),
    { numRuns: 60 },
  );
});
