// One admission per call: the key is checked once, before the body is read, and that admission
// (decision id, span) carries the call to its answer, whether allowed, denied or refused for its body.
import t from 'tap';
import Fastify from 'fastify';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FAKE_KEY, FAKE_MODEL, fakeStages, type FakeOptions } from '../../test/support/fake-stages.js';
import { RequestPath } from '../request-path/request-path.js';
import { createTelemetry } from '../../telemetry/telemetry.js';
import { dataPlaneErrors, dataPlaneRoutes } from './data-plane.js';
import { registerIntake } from './intake.js';

/** Counts call spans started, so one never ended shows. */
class StartedCalls implements SpanProcessor {
  started = 0;
  onStart(span: Span): void {
    if (span.kind === SpanKind.SERVER) this.started++;
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush = async () => undefined;
  shutdown = async () => undefined;
}

async function call(opts: FakeOptions, payload: string) {
  const spans = new InMemorySpanExporter();
  const started = new StartedCalls();
  const telemetry = createTelemetry({ traceExporter: spans, spanProcessors: [started], env: {} });
  const stages = fakeStages({ ...opts, telemetry });
  const app = Fastify();
  registerIntake(app, { bodyBytes: 1 << 20, bodyTimeoutMs: 5_000, maxDepth: 64 });
  const path = new RequestPath(stages.deps);
  dataPlaneErrors(app, path);
  dataPlaneRoutes(app, path);
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { authorization: `Bearer ${FAKE_KEY}`, 'content-type': 'application/json' }, payload });
  await app.close();
  // Read before shutdown, which empties the exporter.
  const calls = spans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
  await telemetry.shutdown();
  return { res, stages, calls, started: started.started };
}

const body = JSON.stringify({ model: FAKE_MODEL, messages: [{ role: 'user', content: 'hello' }] });

for (const [name, opts, payload, status] of [
  ['an allowed call', {}, body, 200],
  ['a denied call', { allow: false }, body, 403],
  ['a call whose body is malformed JSON after a valid key', {}, '{"model": ', 400],
] as const) {
  t.test(`${name}: one authentication, one decision id, one span, ended`, async (t) => {
    const { res, stages, calls, started } = await call(opts, payload);
    t.equal(res.statusCode, status);
    t.equal(stages.events.filter((e) => e === 'authenticate').length, 1, 'authenticated once');
    const ids = new Set(stages.records.map((r) => r.record.decision_id));
    t.same([...ids], [res.headers['x-termsgate-decision-id']], 'every record and the answer carry one decision id');
    t.equal(started, 1, 'one call span started');
    t.equal(calls.length, 1, 'and ended');
    t.equal(calls[0].attributes['http.response.status_code'], status);
  });
}
