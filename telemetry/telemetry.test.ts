import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { CallErrorType, CallRoute } from './types.js';
import { createTelemetry } from './telemetry.js';
import { NOOP_CALL, NOOP_STAGE, NOOP_TELEMETRY } from './noop.js';
import { dataPoints, OnDemandMetricReader } from './test-readers.js';

// What a call carries that must never reach telemetry.
const PROMPT = 'Summarise the merger memo for Project Bluebird, account 4111-1111-1111-1111';
const COMPLETION = 'Bluebird closes on the 14th; wire to the escrow account';
const VIRTUAL_KEY = 'tg_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const PROVIDER_KEY = 'sk-proj-ZZtopSecretProviderKey000111222';

const GPT: CallRoute = { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', upstreamModel: 'gpt-4o-mini' };
const LLAMA: CallRoute = {
  name: 'llama-3.1-8b-instruct',
  providerId: 'vllm',
  providerKind: 'openai-compatible',
  upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct',
};

function setup() {
  const spans = new InMemorySpanExporter();
  const reader = new OnDemandMetricReader();
  const telemetry = createTelemetry({ traceExporter: spans, metricReader: reader, env: {} });
  return { spans, reader, telemetry };
}

/** What a pipeline run holds, driven through the API the way the request path calls it. */
interface SimulatedCall {
  route: CallRoute;
  body: { model: string; messages: { role: string; content: string }[] };
  headers: Record<string, string>;
}

function simulatedCall(route: CallRoute): SimulatedCall {
  return {
    route,
    body: { model: route.name, messages: [{ role: 'user', content: PROMPT }] },
    headers: { authorization: `Bearer ${VIRTUAL_KEY}`, 'x-upstream-key': PROVIDER_KEY },
  };
}

function byName(spans: ReadableSpan[], name: string): ReadableSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${name}; have ${spans.map((s) => s.name).join(', ')}`);
  return span;
}

function serialisedSpans(spans: ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, links: s.links, resource: s.resource.attributes })),
  );
}

t.test('an allowed call: a server span with GenAI and termsgate attributes, stage children, metrics', async (t) => {
  const { spans, reader, telemetry } = setup();
  const sim = simulatedCall(GPT);
  const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: true });
  call.setRoute(sim.route);
  const policy = call.stage('policy');
  telemetry.recordPolicyEval(0.4);
  policy.end();
  call.setDecision({ decision: 'allow', revision: 'rev-7f3a', id: 'dec_01J0ABC' });
  const upstream = call.stage('upstream');
  upstream.end();
  call.setUsage({ input_tokens: 42, output_tokens: 17 }, 'gpt-4o-mini-2024-07-18');
  const audit = call.stage('audit');
  telemetry.recordAuditCommit(3);
  audit.end();
  const feed = call.stage('feed');
  call.setDecision({ decision: 'allow', revision: 'rev-7f3a', id: 'dec_01J0ABC', trainable: false });
  feed.end();
  call.end({ status: 200 });

  const finished = spans.getFinishedSpans();
  t.equal(finished.length, 5, 'call span and four stage spans');
  const root = byName(finished, 'chat gpt-4o-mini');
  t.equal(root.kind, SpanKind.SERVER);
  t.match(root.attributes, {
    'gen_ai.provider.name': 'openai',
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 42,
    'gen_ai.usage.output_tokens': 17,
    'termsgate.decision': 'allow',
    'termsgate.policy.revision': 'rev-7f3a',
    'termsgate.trainable': false,
    'termsgate.decision.id': 'dec_01J0ABC',
    'termsgate.stream': true,
    'http.route': '/v1/chat/completions',
    'http.response.status_code': 200,
  });
  t.equal(root.status.code, SpanStatusCode.UNSET);
  for (const stage of ['policy', 'upstream', 'audit', 'feed']) {
    const child = byName(finished, `termsgate.${stage}`);
    t.equal(child.parentSpanContext?.spanId, root.spanContext().spanId, `${stage} is a child of the call`);
    t.equal(child.spanContext().traceId, root.spanContext().traceId);
  }
  t.equal(byName(finished, 'termsgate.upstream').kind, SpanKind.CLIENT);
  t.equal(byName(finished, 'termsgate.upstream').attributes['gen_ai.provider.name'], 'openai');
  t.equal(root.resource.attributes['service.name'], 'termsgate');

  const metrics = await reader.snapshot();
  const calls = dataPoints(metrics, 'termsgate.calls');
  t.same(
    calls.map((p) => [p.attributes, p.value]),
    [[{ route: '/v1/chat/completions', model: 'gpt-4o-mini', provider: 'openai', decision: 'allow', status: '200' }, 1]],
  );
  const duration = dataPoints(metrics, 'termsgate.call.duration');
  t.same(duration[0]?.attributes, { route: '/v1/chat/completions', model: 'gpt-4o-mini', decision: 'allow' });
  t.equal((duration[0]?.value as { count: number }).count, 1);
  const tokens = dataPoints(metrics, 'termsgate.tokens').map((p) => [p.attributes.type, p.value]);
  t.same(new Map(tokens as [string, number][]), new Map([['input', 42], ['output', 17]]));
  const usage = dataPoints(metrics, 'gen_ai.client.token.usage');
  t.equal(usage.length, 2);
  t.match(usage[0]?.attributes, { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.operation.name': 'chat' });
  t.notOk(finished.some((s) => 'gen_ai.system' in s.attributes) || usage.some((u) => 'gen_ai.system' in (u.attributes ?? {})), 'the deprecated gen_ai.system is on no span and no metric');
  t.equal((dataPoints(metrics, 'termsgate.policy.evaluation.duration')[0]?.value as { sum: number }).sum, 0.0004);
  t.equal((dataPoints(metrics, 'termsgate.audit.commit.duration')[0]?.value as { sum: number }).sum, 0.003);
  await telemetry.shutdown();
});

t.test('a denied call: decision deny, 403, not an error, counted under deny', async (t) => {
  const { spans, reader, telemetry } = setup();
  const call = telemetry.startCall({ route: '/v1/messages', endpoint: 'messages', stream: false });
  call.setRoute({ name: 'claude-3-5-haiku-latest', providerId: 'anthropic', providerKind: 'anthropic', upstreamModel: 'claude-3-5-haiku-latest' });
  const policy = call.stage('policy');
  policy.end();
  call.setDecision({ decision: 'deny', revision: 'rev-7f3a', id: 'dec_02' });
  const audit = call.stage('audit');
  audit.end();
  call.end({ status: 403 });

  const finished = spans.getFinishedSpans();
  t.same(finished.map((s) => s.name).sort(), ['chat claude-3-5-haiku-latest', 'termsgate.audit', 'termsgate.policy']);
  const root = byName(finished, 'chat claude-3-5-haiku-latest');
  t.equal(root.attributes['termsgate.decision'], 'deny');
  t.equal(root.attributes['gen_ai.provider.name'], 'anthropic');
  t.equal(root.attributes['http.response.status_code'], 403);
  t.notOk('gen_ai.usage.input_tokens' in root.attributes, 'no usage for a call that never went upstream');
  t.notOk('error.type' in root.attributes);
  t.equal(root.status.code, SpanStatusCode.UNSET);

  const metrics = await reader.snapshot();
  t.same(dataPoints(metrics, 'termsgate.calls').map((p) => p.attributes), [
    { route: '/v1/messages', model: 'claude-3-5-haiku-latest', provider: 'anthropic', decision: 'deny', status: '403' },
  ]);
  t.same(dataPoints(metrics, 'termsgate.tokens'), [], 'no tokens counted');
  await telemetry.shutdown();
});

t.test('a failed call: the upstream stage and the call carry error.type and error status', async (t) => {
  const { spans, reader, telemetry } = setup();
  const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: false });
  call.setRoute(LLAMA);
  call.stage('policy').end();
  call.setDecision({ decision: 'allow', revision: 'rev-1' });
  call.stage('upstream').end('upstream_timeout');
  call.end({ status: 504, error: 'upstream_timeout' });
  call.end({ status: 200 });

  const finished = spans.getFinishedSpans();
  const root = byName(finished, 'chat llama-3.1-8b-instruct');
  t.equal(root.attributes['gen_ai.provider.name'], 'vllm', 'self-hosted models name their provider');
  t.equal(root.attributes['error.type'], 'upstream_timeout');
  t.equal(root.status.code, SpanStatusCode.ERROR);
  t.equal(root.status.message, undefined, 'no message: messages can quote content');
  const upstream = byName(finished, 'termsgate.upstream');
  t.equal(upstream.attributes['error.type'], 'upstream_timeout');
  t.equal(upstream.status.code, SpanStatusCode.ERROR);

  const metrics = await reader.snapshot();
  const calls = dataPoints(metrics, 'termsgate.calls');
  t.equal(calls.length, 1, 'a second end() is ignored');
  t.same(calls[0]?.attributes, { route: '/v1/chat/completions', model: 'llama-3.1-8b-instruct', provider: 'vllm', decision: 'allow', status: '504' });
  t.equal(calls[0]?.value, 1);
  await telemetry.shutdown();
});

t.test('an unauthenticated call before any route is known counts under model unknown, decision none', async (t) => {
  const { spans, reader, telemetry } = setup();
  const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: false });
  call.end({ status: 401, error: 'unauthenticated' });
  const [span] = spans.getFinishedSpans();
  t.equal(span?.name, 'chat');
  t.equal(span?.attributes['error.type'], 'unauthenticated');
  const metrics = await reader.snapshot();
  t.same(dataPoints(metrics, 'termsgate.calls')[0]?.attributes, {
    route: '/v1/chat/completions', model: 'unknown', provider: 'none', decision: 'none', status: '401',
  });
  await telemetry.shutdown();
});

t.test('no prompt, completion or key reaches spans or metrics, even from callers that cast', async (t) => {
  const { spans, reader, telemetry } = setup();
  for (const route of [GPT, LLAMA]) {
    const sim = simulatedCall(route);
    const call = telemetry.startCall({
      route: '/v1/chat/completions',
      endpoint: 'chat.completions',
      stream: false,
      traceparent: sim.headers.authorization,
    });
    call.setRoute(sim.route);
    call.stage('policy').end();
    call.setDecision({ decision: 'allow', revision: 'rev-1', trainable: true });
    call.stage('upstream').end(PROMPT as CallErrorType);
    call.setUsage({ input_tokens: PROMPT.length, output_tokens: COMPLETION.length }, COMPLETION);
    call.end({ status: 502, error: VIRTUAL_KEY as CallErrorType });
  }
  const rogue = telemetry.startCall({ route: PROMPT, endpoint: 'chat.completions', stream: false });
  rogue.setRoute({ name: PROVIDER_KEY + ' ' + PROMPT, providerId: VIRTUAL_KEY + '!', providerKind: 'openai-compatible', upstreamModel: COMPLETION });
  rogue.setDecision({ decision: 'deny', revision: `${COMPLETION}`, id: `${PROMPT}` });
  rogue.end({ status: 403 });

  const finished = spans.getFinishedSpans();
  t.ok(finished.length >= 7);
  const prom = (await telemetry.prometheusText()) ?? '';
  const collected = JSON.stringify(await reader.snapshot());
  const everything = serialisedSpans(finished) + prom + collected;
  t.ok(everything.includes('gpt-4o-mini'), 'the haystack holds what was recorded');
  for (const secret of [PROMPT, COMPLETION, VIRTUAL_KEY, PROVIDER_KEY, 'Bluebird', '4111-1111', 'tg_live', 'sk-proj']) {
    t.notOk(everything.includes(secret), `"${secret.slice(0, 12)}…" appears nowhere`);
  }
  const rogueSpan = finished.find((s) => s.attributes['termsgate.decision'] === 'deny');
  t.equal(rogueSpan?.attributes['http.route'], 'invalid');
  t.equal(rogueSpan?.attributes['gen_ai.request.model'], 'invalid');
  t.equal(byName(finished, 'chat gpt-4o-mini').attributes['error.type'], 'other');
  await telemetry.shutdown();
});

t.test('an incoming traceparent continues the client trace', async (t) => {
  const { spans, telemetry } = setup();
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const call = telemetry.startCall({
    route: '/v1/chat/completions',
    endpoint: 'chat.completions',
    stream: false,
    traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
  });
  call.end({ status: 200 });
  const [span] = spans.getFinishedSpans();
  t.equal(span?.spanContext().traceId, traceId);
  t.equal(span?.parentSpanContext?.spanId, '00f067aa0ba902b7');
  await telemetry.shutdown();
});

t.test('pino logs written inside call.run carry the trace and span ids', async (t) => {
  const { spans, telemetry } = setup();
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const log = pino({ mixin: () => telemetry.logMixin() }, sink);
  const call = telemetry.startCall({ route: '/v1/embeddings', endpoint: 'embeddings', stream: false });
  await call.run(async () => {
    await new Promise((r) => setImmediate(r));
    log.info('inside');
  });
  log.info('outside');
  const fields = call.logFields();
  call.end({ status: 200 });
  const [span] = spans.getFinishedSpans();
  t.equal(fields.trace_id, span?.spanContext().traceId);
  t.equal(lines[0]?.trace_id, span?.spanContext().traceId, 'across an await');
  t.equal(lines[0]?.span_id, span?.spanContext().spanId);
  t.notOk('trace_id' in (lines[1] ?? {}), 'no ids outside a call');
  t.equal(span?.name, 'embeddings');
  await telemetry.shutdown();
});

t.test('as a pino mixin, every mode survives log lines with fields and keeps them apart', async (t) => {
  for (const [mode, telemetry] of [
    ['disabled', createTelemetry({ enabled: false })],
    ['metrics only', createTelemetry({ env: {} })],
    ['traced', createTelemetry({ env: {}, traceExporter: new InMemorySpanExporter() })],
  ] as const) {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const log = pino({ mixin: () => telemetry.logMixin() }, sink);
    const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: false });
    call.run(() => log.info({ revision: 'r1' }, 'first'));
    log.info({ other: 2 }, 'second');
    log.child(call.logFields()).info({ third: 3 }, 'third');
    call.end({ status: 200 });
    t.equal(lines.length, 3, mode);
    t.equal(lines[0]?.revision, 'r1', mode);
    t.notOk('revision' in (lines[1] ?? {}), `${mode}: one line's fields do not reach the next`);
    t.notOk('revision' in (lines[2] ?? {}), mode);
    await telemetry.shutdown();
  }
});

t.test('OTEL_SDK_DISABLED gives the shared no-op objects: nothing is allocated per call', async (t) => {
  const telemetry = createTelemetry({ env: { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' } });
  t.equal(telemetry, NOOP_TELEMETRY);
  const a = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: false });
  const b = telemetry.startCall({ route: '/v1/messages', endpoint: 'messages', stream: true });
  t.equal(a, NOOP_CALL);
  t.equal(b, NOOP_CALL);
  t.equal(a.stage('upstream'), NOOP_STAGE);
  t.equal(a.run(() => 7), 7);
  t.same(telemetry.logMixin(), {});
  t.equal(await telemetry.prometheusText(), null);
  t.equal(createTelemetry({ enabled: false, env: {} }), NOOP_TELEMETRY, 'the option overrides the environment');
});

t.test('tracing off, metrics on: no spans, stages are no-ops, calls still counted', async (t) => {
  const reader = new OnDemandMetricReader();
  const telemetry = createTelemetry({ metricReader: reader, env: {} });
  t.equal(telemetry.tracing, false);
  const call = telemetry.startCall({ route: '/v1/completions', endpoint: 'completions', stream: false });
  call.setRoute(GPT);
  t.equal(call.stage('upstream'), NOOP_STAGE);
  t.same(call.logFields(), {});
  call.setDecision({ decision: 'allow', revision: 'r1' });
  call.end({ status: 200 });
  telemetry.setFeedLag(12);
  telemetry.setDistillationScopes([{ kind: 'key', level: 'high', count: 2 }]);
  const metrics = await reader.snapshot();
  t.equal(dataPoints(metrics, 'termsgate.calls')[0]?.value, 1);
  t.equal(dataPoints(metrics, 'termsgate.feed.lag')[0]?.value, 12);
  t.equal(dataPoints(metrics, 'termsgate.distillation.scopes')[0]?.value, 2);
  await telemetry.shutdown();
});
