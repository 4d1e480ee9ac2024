// gen_ai.server.request.duration and gen_ai.server.time_to_first_token, as the GenAI semantic conventions define them.
import t from 'tap';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { createTelemetry } from './telemetry.js';
import { dataPoints, OnDemandMetricReader } from './test-readers.js';
import type { CallRoute } from './types.js';

const GPT: CallRoute = { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', upstreamModel: 'gpt-4o-mini' };
const CLAUDE: CallRoute = { name: 'claude-3-5-haiku-latest', providerId: 'anthropic', providerKind: 'anthropic', upstreamModel: 'claude-3-5-haiku-latest' };
const REQUEST_DURATION = 'gen_ai.server.request.duration';
const TTFT = 'gen_ai.server.time_to_first_token';

function setup() {
  const reader = new OnDemandMetricReader();
  const telemetry = createTelemetry({ metricReader: reader, env: {} });
  return { reader, telemetry };
}

const histogram = (p: DataPoint<unknown> | undefined) => p?.value as Histogram | undefined;

t.test('a streamed call: request duration and time to first token, with the GenAI attributes', async (t) => {
  const { reader, telemetry } = setup();
  t.teardown(() => telemetry.shutdown());
  const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: true });
  call.setRoute(GPT);
  call.setDecision({ decision: 'allow', revision: 'r1' });
  call.firstToken();
  // Only the first counts: later writes of the same stream are not first tokens.
  call.firstToken();
  call.end({ status: 200 });

  const metrics = await reader.snapshot();
  const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };
  const [duration] = dataPoints(metrics, REQUEST_DURATION);
  const [ttft] = dataPoints(metrics, TTFT);
  t.same(duration?.attributes, attributes);
  t.same(ttft?.attributes, attributes);
  t.equal(histogram(duration)?.count, 1);
  t.equal(histogram(ttft)?.count, 1, 'one observation per call');
  t.ok(histogram(ttft)!.sum <= histogram(duration)!.sum, 'the first token came before the end of the call');
  t.same(histogram(ttft)?.buckets.boundaries, [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10], "the conventions' buckets");
  t.same(histogram(duration)?.buckets.boundaries, [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]);
  const descriptors = metrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor)).filter((d) => d.name === REQUEST_DURATION || d.name === TTFT);
  t.same(descriptors.map((d) => d.unit), ['s', 's'], 'in seconds');
});

t.test('a failed call: error.type on the request duration, no time to first token', async (t) => {
  const { reader, telemetry } = setup();
  t.teardown(() => telemetry.shutdown());
  const call = telemetry.startCall({ route: '/v1/messages', endpoint: 'messages', stream: true });
  call.setRoute(CLAUDE);
  call.setDecision({ decision: 'allow', revision: 'r1' });
  call.firstToken();
  call.end({ status: 502, error: 'upstream_protocol' });

  const metrics = await reader.snapshot();
  t.same(
    dataPoints(metrics, REQUEST_DURATION).map((p) => p.attributes),
    [{ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-3-5-haiku-latest', 'error.type': 'upstream_protocol' }],
  );
  t.same(dataPoints(metrics, TTFT), [], 'time to first token is for successful responses only');
});

t.test('a denial is not an error; a call without a route has no provider or model; GET /v1/models is not an inference operation', async (t) => {
  const { reader, telemetry } = setup();
  t.teardown(() => telemetry.shutdown());
  const denied = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: false });
  denied.setRoute(GPT);
  denied.setDecision({ decision: 'deny', revision: 'r1' });
  denied.end({ status: 403 });
  telemetry.startCall({ route: '/v1/embeddings', endpoint: 'embeddings' }).end({ status: 401, error: 'unauthenticated' });
  telemetry.startCall({ route: '/v1/models', endpoint: 'models' }).end({ status: 200 });

  const metrics = await reader.snapshot();
  const seen = dataPoints(metrics, REQUEST_DURATION).map((p) => p.attributes);
  t.same(
    new Set(seen.map((a) => JSON.stringify(a))),
    new Set([
      JSON.stringify({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' }),
      JSON.stringify({ 'gen_ai.operation.name': 'embeddings', 'error.type': 'unauthenticated' }),
    ]),
  );
  t.same(dataPoints(metrics, TTFT), [], 'no stream, no first token');
});

t.test('with telemetry off, firstToken is a no-op', async (t) => {
  const telemetry = createTelemetry({ env: { OTEL_SDK_DISABLED: 'true' } });
  const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: true });
  t.doesNotThrow(() => {
    call.firstToken();
    call.end({ status: 200 });
  });
});
