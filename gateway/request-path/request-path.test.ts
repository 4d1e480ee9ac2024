// The request path alone, with fake stages and a fake audit sink: the order in which it records,
// calls the provider and answers.
import t from 'tap';
import fc from 'fast-check';
import { openaiChat } from '../dialects/openai-chat.js';
import { FAKE_KEY, FAKE_MODEL, FakeSink, fakeStages, type FakeOptions } from '../../test/support/fake-stages.js';
import { RequestPath } from './request-path.js';
import { canonicalOf } from '../core/canonical-json.js';

const headers = { authorization: `Bearer ${FAKE_KEY}`, 'content-type': 'application/json' };
const body = { model: FAKE_MODEL, messages: [{ role: 'user', content: 'hello' }] };

/** A call asks for the shape its fake provider answers in (an answer in the other shape is refused). */
async function run(opts: FakeOptions, callBody: unknown = opts.upstream?.contentType === 'text/event-stream' ? { ...body, stream: true } : body) {
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
  t.same(events, ['authenticate', 'classify', 'decide', 'record started', 'upstream', 'remember', 'feed', 'record completed', 'answer 200', 'answer end']);
  t.equal(sink.status, 200);
  t.equal(new Set(records.map((r) => r.record.decision_id)).size, 1, 'one decision id');
});

t.test('a streamed answer: events go out as they come, the last only after the completed record', async (t) => {
  const chunk = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
  const { events, sink } = await run({ upstream: { status: 200, contentType: 'text/event-stream', body: [chunk('an '), chunk('answer'), chunk('', 'stop') + 'data: [DONE]\n\n'] } });
  t.ok(before(events, 'upstream', 'answer part'), 'parts are sent while the provider streams');
  t.ok(before(events, 'record completed', 'answer end'), 'the last event follows the record');
  t.ok(sink.body.endsWith('data: [DONE]\n\n'), 'the held-back event is delivered');
  // 'an ' and 'answer' as they come (not each held until the next: that would delay every token by one event), then the finish event, released by [DONE].
  t.equal(events.filter((e) => e === 'answer part').length, 3, 'every event but the newest went out before the record');
  t.ok(sink.body.indexOf('answer') < sink.body.indexOf('"stop"'), 'in the provider\'s order');
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

t.test('every record of a call lists its members in canonical order, so its leaf is serialised with no sorted copy', async (t) => {
  const { records } = await run({});
  for (const { record } of records) {
    const keys = Object.keys(record);
    t.same(keys, [...keys].sort(), record.phase);
    t.same(Object.keys(record.principal), [...Object.keys(record.principal)].sort());
  }
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
  t.equal(started.content?.digestOnly, true);
  t.same(canonicalOf(started.content?.request).value, { model: FAKE_MODEL, messages: [{ role: 'user', content: 'write to [pii.email]' }] });
  t.equal(completed.content?.request, started.content?.request, 'the same value, so its canonical text is computed once');
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

// Issue 21: the records agree with the answers.
const sse = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
const whole = [sse('an '), sse('answer'), sse('', 'stop') + 'data: [DONE]\n\n'];
const lastOf = (records: { record: { phase: string } }[]) => records[records.length - 1]?.record;

t.test('a throw between the last byte and the final record: a failed record, a stream error event, the last event held back', async (t) => {
  for (const throwIn of ['admission', 'feed', 'remember'] as const) {
    const { records, sink, events } = await run({ throwIn, upstream: { status: 200, contentType: 'text/event-stream', body: whole } });
    t.match(lastOf(records), { phase: 'failed', status: 500, error: /termsgate failed to complete this answer \((RangeError|Error)/, training_permit_id: null }, throwIn);
    t.match(sink.body, /"error":\{"message":"termsgate failed to complete this answer"/, `${throwIn}: the stream ends with an error event`);
    t.notOk(sink.body.includes('[DONE]'), `${throwIn}: the held-back event is not delivered`);
    t.equal(events[events.length - 1], 'answer end');
  }
  const json = await run({ throwIn: 'admission' });
  t.equal(json.sink.status, 500);
  t.match(lastOf(json.records), { phase: 'failed', status: 500 });
});

t.test('a JSON answer nested too deep, not JSON, or an event stream labelled JSON: 502 with its failed record, never a permit', async (t) => {
  // 20,000 deep: JSON.stringify of it overflows the stack (so does this test's, so it is written as text).
  const deep = `{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"x":${'['.repeat(20000)}${']'.repeat(20000)}}`;
  for (const [body, error] of [
    [deep, /nested deeper than 256/],
    ['garbage', /not JSON/],
    [whole.join(''), /event stream labelled as JSON/],
    ['[1,2]', /not a JSON object/],
  ] as const) {
    const { records, sink, events } = await run({ upstream: { status: 200, body } });
    t.equal(sink.status, 502);
    t.match(JSON.parse(sink.body), { error: { message: error } });
    t.match(lastOf(records), { phase: 'failed', status: 502, error, training_permit_id: null });
    t.notOk(events.includes('feed'));
  }
});

t.test('an answer in the other shape than the call asked for: 502 with its failed record, never a permit', async (t) => {
  const chunk = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
  const json = JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] });
  for (const [name, upstream, callBody, message] of [
    ['events to a JSON call', { status: 200, contentType: 'text/event-stream', body: [chunk] }, body, /answered an event stream to a call that did not ask for one/],
    ['JSON to a stream call', { status: 200, body: json }, { ...body, stream: true }, /to a call that asked for a stream is not an event stream/],
  ] as const) {
    const { records, sink, events } = await run({ upstream }, callBody);
    t.equal(sink.status, 502, name);
    t.match(JSON.parse(sink.body), { error: { message } }, `${name}: said in the dialect's error`);
    t.match(records.at(-1)!.record, { phase: 'failed', status: 502 }, `${name}: recorded failed`);
    t.notOk(events.includes('feed'), `${name}: nothing offered for training`);
  }
});

t.test('an event stream with no events (JSON, garbage, empty): the stream error event and a failed record', async (t) => {
  for (const body of [['{"choices":[]}'], ['garbage\n\n'], []]) {
    const { records, sink, events } = await run({ upstream: { status: 200, contentType: 'text/event-stream', body } });
    t.equal(sink.status, 200);
    t.match(sink.body, /"error":\{"message":"the provider's answer is labelled an event stream but carries no events/);
    t.match(lastOf(records), { phase: 'failed', status: 502 });
    t.notOk(events.includes('feed'));
  }
});

t.test('property: however an answer fails after its head is sent, the last record is final and the stream ends with an error event', async () => {
  const failure = fc.oneof(
    fc.record({ kind: fc.constant('reset' as const), at: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('throw' as const), where: fc.constantFrom('admission' as const, 'feed' as const, 'remember' as const) }),
    fc.record({ kind: fc.constant('audit' as const), phase: fc.constantFrom('completed', 'incomplete') }),
    fc.record({ kind: fc.constant('no events' as const), body: fc.array(fc.constantFrom('{"a":1}', 'garbage', '\n', ': comment\n\n', 'retry: 5\n\n'), { maxLength: 4 }) }),
  );
  await fc.assert(
    fc.asyncProperty(failure, fc.boolean(), async (f, complete) => {
      const chunks = complete ? whole : whole.slice(0, 2);
      const opts: FakeOptions = { upstream: { status: 200, contentType: 'text/event-stream', body: chunks } };
      if (f.kind === 'reset') opts.upstream!.resetAt = Math.min(f.at, chunks.length - 1);
      if (f.kind === 'throw') opts.throwIn = f.where;
      if (f.kind === 'audit') opts.auditFailsOn = f.phase;
      if (f.kind === 'no events') opts.upstream!.body = f.body;
      const { records, sink, events } = await run(opts);
      const last = lastOf(records);
      const ended = events[events.length - 1] === 'answer end';
      const errorEvent = /data: \{"error":\{/.test(sink.body);
      // Whatever happened, the call's last record is final and the stream has ended; a failed answer ends with an error event and trains nothing.
      if (!last || last.phase === 'started' || !ended) return false;
      if (last.phase === 'failed') return errorEvent && !sink.body.includes('[DONE]') && last.training_permit_id === null;
      // An answer is delivered as it came only when nothing failed on its way (a failing append of the other final phase never happens).
      const untouched = (f.kind === 'throw' && f.where !== 'remember') || (f.kind === 'audit' && (f.phase === 'completed') !== complete);
      if (last.phase === 'completed') return complete && untouched && sink.body.endsWith('data: [DONE]\n\n') && !errorEvent;
      // Cut short by the provider: delivered as far as it went, then the error event that says so.
      return last.phase === 'incomplete' && !complete && untouched && errorEvent && sink.body.includes("the provider's stream ended before its end event");
    }),
    { numRuns: 200 },
  );
});

t.test('a running stream whose completed record cannot be written (the log gone read-only): the error event, then the end', async (t) => {
  // After the first failed append the log refuses every record, the `failed` one too: the stream still ends with its error event.
  for (const auditFailsOn of ['completed', ['completed', 'failed']]) {
    const { records, sink, events } = await run({ auditFailsOn, upstream: { status: 200, contentType: 'text/event-stream', body: whole } }, { ...body, stream: true });
    t.notOk(records.some((r) => r.record.phase === 'completed'), 'no completed record');
    t.match(sink.body, /data: \{"error":\{"message":"termsgate failed to complete this answer"/, `${auditFailsOn}: the stream ends with its error event`);
    t.notOk(sink.body.includes('[DONE]'), 'the held-back last event is not delivered');
    t.same(events.slice(-2), ['answer part', 'answer end'], 'the error event is the last write before the end');
  }
});
