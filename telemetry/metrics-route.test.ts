import t from 'tap';
import Fastify from 'fastify';
import { createTelemetry } from './telemetry.js';
import { registerMetricsRoute } from './metrics-route.js';

t.test('GET /metrics serves the Prometheus text of recorded calls', async (t) => {
  const telemetry = createTelemetry({ env: {} });
  const app = Fastify();
  registerMetricsRoute(app, { telemetry });
  t.teardown(async () => {
    await app.close();
    await telemetry.shutdown();
  });
  const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: false });
  call.setRoute({ name: 'qwen2.5-7b-instruct', providerId: 'vllm', providerKind: 'openai-compatible', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct' });
  call.setDecision({ decision: 'allow', revision: 'r1' });
  call.end({ status: 200 });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.match(res.body, /^# TYPE termsgate_calls_total counter$/m);
  t.match(
    res.body,
    /^termsgate_calls_total\{route="\/v1\/chat\/completions",model="qwen2\.5-7b-instruct",provider="vllm",decision="allow",status="200"[^}]*\} 1$/m,
  );
  // Unit suffixes as the OTel-to-Prometheus rules give them: seconds and bytes; annotations like {token} add none.
  t.match(res.body, /^# TYPE termsgate_call_duration_seconds histogram$/m);
  t.match(res.body, /^# UNIT termsgate_call_duration_seconds seconds$/m);
  t.match(res.body, /^gen_ai_server_request_duration_seconds_count\{[^}]*\} 1$/m);
  t.notMatch(res.body, /_seconds_seconds|\{call\}|\{token\}/, 'no doubled suffix, no annotation left');
  const heap = /^process_runtime_nodejs_memory_heap_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(res.body);
  t.ok(heap, 'the V8 heap used gauge is exported');
  t.ok(Number(heap?.[1]) > 1024 * 1024, `…with a plausible value (${heap?.[1]} bytes)`);
});

t.test('GET /metrics is 404 when metrics are off', async (t) => {
  for (const env of [{ OTEL_SDK_DISABLED: 'true' }, { OTEL_METRICS_EXPORTER: 'none' }]) {
    const telemetry = createTelemetry({ env });
    const app = Fastify();
    registerMetricsRoute(app, { telemetry });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    t.equal(res.statusCode, 404, JSON.stringify(env));
    await app.close();
    await telemetry.shutdown();
  }
});
