// Issue 24, the `/v1/messages` × `openai-compatible` and `/v1/messages` × `azure-openai` cells: the Anthropic SDK
// through the whole gateway to the mock provider's OpenAI-shaped chat (an OpenAI-compatible server, which takes
// `max_tokens`) and its Azure OpenAI dialect (a deployment URL with api-version, the key in `api-key`,
// `max_completion_tokens`, Azure's prompt-filter chunk at the head of a stream), streamed and not: text, stop
// reasons, usage, tools, the watermark in the same places streamed and unstreamed, the audit record.
import t from 'tap';
import Anthropic from '@anthropic-ai/sdk';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { SELECTOR, finalRecord } from './support/gateway-calls.js';
import { until } from './support/until.js';
import type { CallRecord } from '../gateway/core/contracts.js';

let gw: DemoGateway;
let anthropic: Anthropic;
const marks = (s: string) => s.replace(/(?:[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF])+/g, '§');
const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
const weather = { name: 'get_weather', description: 'The weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

t.before(async () => {
  gw = await startDemoGateway((config) => {
    config.providers.azure = { kind: 'azure-openai', baseUrl: config.providers.openai.baseUrl, apiKeyEnv: config.providers.openai.apiKeyEnv, apiVersion: '2024-10-21', licence: 'openai-services-agreement' };
    config.models['gpt-4o-azure'] = { provider: 'azure', upstreamModel: 'prod-gpt-4o-mini' };
  });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
});
t.teardown(() => gw.close());


const cells = [
  { kind: 'openai-compatible', model: 'mistral-small-latest', provider: 'mistral', url: '/v1/chat/completions', maxField: 'max_tokens', upstreamModel: 'mistral-small-latest' },
  { kind: 'azure-openai', model: 'gpt-4o-azure', provider: 'azure', url: '/openai/deployments/prod-gpt-4o-mini/chat/completions?api-version=2024-10-21', maxField: 'max_completion_tokens', upstreamModel: undefined },
];

for (const cell of cells) {
  t.test(`Anthropic SDK on ${cell.kind}: system, text, stop reason, usage, the provider's request, audit`, async (t) => {
    const { data, response } = await anthropic.messages
      .create({ model: cell.model, max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: 'Explain how a lighthouse works.' }] })
      .withResponse();
    t.equal(data.type, 'message');
    t.equal(data.stop_reason, 'end_turn');
    t.ok(textOf(data).length > 20, 'text');
    t.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0, 'usage');
    const sent = gw.mock.received().at(-1)!;
    t.equal(sent.url, cell.url);
    t.match(sent.body, { [cell.maxField]: 300, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Explain how a lighthouse works.' }] });
    if (cell.upstreamModel) t.equal((sent.body as { model: string }).model, cell.upstreamModel);
    if (cell.kind === 'azure-openai') t.equal(sent.headers['api-key'], gw.providerKey, "Azure's api-key header");
    const record = await finalRecord(gw, response.headers.get('x-termsgate-decision-id')!);
    t.match(record, { phase: 'completed', model: cell.model, provider: cell.provider, status: 200, usage: { input_tokens: data.usage.input_tokens, output_tokens: data.usage.output_tokens } });
  });

  t.test(`Anthropic SDK on ${cell.kind}, streamed: the event sequence, the same marked text, usage`, async (t) => {
    const body = { model: cell.model, max_tokens: 300, messages: [{ role: 'user' as const, content: 'Tell me about the tides.' }] };
    const whole = await anthropic.messages.create(body);
    const stream = anthropic.messages.stream(body);
    const types: string[] = [];
    let start: Anthropic.MessageStartEvent | undefined;
    stream.on('streamEvent', (ev) => {
      types.push(ev.type);
      if (ev.type === 'message_start') start = ev;
    });
    const final = await stream.finalMessage();
    t.equal(types[0], 'message_start');
    t.same(types.slice(-2), ['message_delta', 'message_stop']);
    t.ok(types.includes('content_block_start') && types.includes('content_block_delta') && types.includes('content_block_stop'));
    t.match(start?.message, { id: /^msg_./, model: /\S/ }, 'message_start names a message id and a model');
    t.equal(final.stop_reason, 'end_turn');
    t.ok(final.usage.output_tokens > 0, 'usage from message_delta');
    t.equal(marks(textOf(final)), marks(textOf(whole)), 'streamed and unstreamed: same text, marks in the same places');
    t.match(gw.mock.received().at(-1)!.body, { stream: true, stream_options: { include_usage: true } });
  });

  t.test(`Anthropic SDK on ${cell.kind}: tools both ways, streamed and not`, async (t) => {
    const ask: Anthropic.MessageParam = { role: 'user', content: 'Weather in Oslo? Use the tool.' };
    const r = await anthropic.messages.create({ model: cell.model, max_tokens: 300, tools: [weather], tool_choice: { type: 'any' }, messages: [ask] });
    t.equal(r.stop_reason, 'tool_use');
    const call = r.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    t.ok(call && call.name === 'get_weather' && typeof call.input === 'object', 'a tool_use block with its input');
    t.notMatch(JSON.stringify(call.input), SELECTOR, 'no watermark in tool input');
    const stream = anthropic.messages.stream({ model: cell.model, max_tokens: 300, tools: [weather], tool_choice: { type: 'any' }, messages: [ask] });
    const streamed = await stream.finalMessage();
    t.equal(streamed.stop_reason, 'tool_use');
    t.same((streamed.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock).input, call.input, 'the same input streamed');
    const after = await anthropic.messages.create({
      model: cell.model,
      max_tokens: 300,
      tools: [weather],
      messages: [ask, { role: 'assistant', content: r.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 21 °C' }] }],
    });
    t.equal(after.stop_reason, 'end_turn', 'the tool result answered');
    t.same((gw.mock.received().at(-1)!.body as { messages: unknown[] }).messages.at(-1), { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' });
  });
}

t.test('provider errors come back in the Anthropic shape from both kinds', async (t) => {
  for (const cell of cells) {
    const err = await anthropic.messages.create({ model: cell.model, max_tokens: 50, messages: [{ role: 'user', content: 'mock:status=429' }] }).catch((e: unknown) => e);
    t.ok(err instanceof Anthropic.RateLimitError, `RateLimitError from ${cell.kind}`);
  }
});
