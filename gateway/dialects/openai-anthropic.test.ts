// The two translations between the OpenAI and Anthropic dialects (anthropic-chat.ts: an OpenAI caller on
// Anthropic's API; openai-messages.ts: an Anthropic caller on an OpenAI-shaped provider), checked against each
// other: a request, an answer and a stream carried one way then back come out as they went in.
import t from 'tap';
import fc from 'fast-check';
import { anthropicChat } from './anthropic-chat.js';
import { openaiMessages } from './openai-messages.js';
import type { SseEvent } from './types.js';

type Json = Record<string, any>;
const toOpenai = openaiMessages('openai');
const word = fc.string({ minLength: 1, maxLength: 12 });
const id = fc.stringMatching(/^[a-z0-9]{4,10}$/);
const args = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), { maxKeys: 3 });
const image = fc.record({ type: fc.constant('image'), source: fc.record({ type: fc.constant('base64'), media_type: fc.constantFrom('image/png', 'image/jpeg'), data: fc.base64String({ minLength: 4, maxLength: 16 }) }) });
const text = word.map((s) => ({ type: 'text', text: s }));

/** An Anthropic conversation in the shape the translation keeps: user turns lead with their tool results, assistant turns have one text then tool uses. */
const conversation = fc.array(fc.tuple(fc.array(fc.oneof(text, image), { minLength: 1, maxLength: 3 }), fc.option(word, { nil: undefined }), fc.array(fc.tuple(id, word, args), { maxLength: 2 })), { minLength: 1, maxLength: 3 }).map((turns) => {
  const messages: Json[] = [];
  let results: Json[] = [];
  for (const [user, said, calls] of turns) {
    messages.push({ role: 'user', content: [...results, ...user] });
    const uses = calls.map(([i, name, input], n) => ({ type: 'tool_use', id: `toolu_${i}${n}${messages.length}`, name, input }));
    messages.push({ role: 'assistant', content: [...(said ? [{ type: 'text', text: said }] : []), ...uses] });
    results = uses.map((u) => ({ type: 'tool_result', tool_use_id: u.id, content: [{ type: 'text', text: `result of ${u.name}` }] }));
  }
  return messages;
});

const anthropicRequest = fc.record(
  {
    model: word,
    max_tokens: fc.integer({ min: 1, max: 8192 }),
    messages: conversation,
    system: word,
    temperature: fc.double({ min: 0, max: 1, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    stop_sequences: fc.array(word, { minLength: 1, maxLength: 3 }),
    stream: fc.constant(true),
    metadata: fc.record({ user_id: word }),
    tools: fc.array(fc.record({ name: word, description: word, input_schema: fc.constant({ type: 'object', properties: { q: { type: 'string' } } }) }), { minLength: 1, maxLength: 2 }),
    tool_choice: fc.oneof(fc.constantFrom({ type: 'auto' }, { type: 'any' }, { type: 'none' }, { type: 'auto', disable_parallel_tool_use: true }), word.map((name) => ({ type: 'tool', name }))),
  },
  { requiredKeys: ['model', 'max_tokens', 'messages'] },
);

t.test('property: an Anthropic request carried to OpenAI and back is the request it was', async () => {
  fc.assert(
    fc.property(anthropicRequest, (body) => {
      const openai = toOpenai.request(body);
      if (typeof openai === 'string') throw new Error(openai);
      // What the OpenAI adapter adds for the record (usage in a stream) is consumed on the way back.
      const back = anthropicChat.request(openai);
      if (typeof back === 'string') throw new Error(back);
      t.same(back, body);
    }),
    { numRuns: 200 },
  );
});

t.test('property: an OpenAI answer carried to Anthropic and back keeps its text, tool calls, finish reason and usage', async () => {
  fc.assert(
    fc.property(fc.option(word, { nil: null }), fc.array(fc.tuple(id, word, args), { maxLength: 3 }), fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter'), fc.nat(1000), fc.nat(1000), (content, calls, finish, input, output) => {
      const tool_calls = calls.map(([i, name, a]) => ({ id: `call_${i}`, type: 'function', function: { name, arguments: JSON.stringify(a) } }));
      const answer = { id: 'x', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: content ?? (tool_calls.length ? null : ''), ...(tool_calls.length ? { tool_calls } : {}) }, finish_reason: finish }], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } };
      const back = anthropicChat.response(toOpenai.response(answer, 'm'), 'm') as Json;
      t.same(back.choices[0].message.content, answer.choices[0].message.content);
      t.same(back.choices[0].message.tool_calls, answer.choices[0].message.tool_calls);
      t.equal(back.choices[0].finish_reason, finish);
      t.same(back.usage, answer.usage);
    }),
    { numRuns: 200 },
  );
});

/** An OpenAI chat stream: a role chunk, text pieces, tool-call fragments, the finish, the usage chunk, [DONE]. */
function openaiStream(pieces: string[], calls: [string, string, Json][], finish: string, usage: Json): SseEvent[] {
  const c = (delta: Json, finish_reason: string | null = null) => ({ data: JSON.stringify({ id: 'x', model: 'm', choices: [{ index: 0, delta, finish_reason }] }) });
  const events = [c({ role: 'assistant', content: '' }), ...pieces.map((p) => c({ content: p }))];
  calls.forEach(([i, name, a], index) => {
    const json = JSON.stringify(a);
    events.push(c({ tool_calls: [{ index, id: `call_${i}`, type: 'function', function: { name, arguments: '' } }] }));
    for (let k = 0; k < json.length; k += 5) events.push(c({ tool_calls: [{ index, function: { arguments: json.slice(k, k + 5) } }] }));
  });
  events.push(c({}, finish), { data: JSON.stringify({ id: 'x', model: 'm', choices: [], usage }) }, { data: '[DONE]' });
  return events;
}

t.test('property: an OpenAI stream carried to Anthropic events and back adds up to the same text, calls, finish and usage', async () => {
  fc.assert(
    fc.property(fc.array(word, { maxLength: 5 }), fc.array(fc.tuple(id, word, args), { maxLength: 2 }), fc.constantFrom('stop', 'length', 'tool_calls'), fc.nat(1000), fc.nat(1000), (pieces, calls, finish, input, output) => {
      const usage = { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
      const toAnthropic = toOpenai.streamEvents('m');
      const anthropicEvents = openaiStream(pieces, calls, finish, usage).flatMap(toAnthropic);
      t.same(
        anthropicEvents.map((e) => e.event),
        anthropicEvents.map((e) => JSON.parse(e.data).type),
        'each event named by its type',
      );
      const toOpenaiChunks = anthropicChat.streamEvents('m');
      const chunks = anthropicEvents.flatMap(toOpenaiChunks);
      t.equal(chunks.at(-1)!.data, '[DONE]');
      const parsed = chunks.slice(0, -1).map((e) => JSON.parse(e.data) as Json);
      t.equal(parsed.map((p) => p.choices[0]?.delta.content ?? '').join(''), pieces.join(''));
      const got = new Map<number, { id?: string; name?: string; arguments: string }>();
      for (const p of parsed)
        for (const tc of p.choices[0]?.delta.tool_calls ?? []) {
          const g = got.get(tc.index) ?? { arguments: '' };
          got.set(tc.index, { id: tc.id ?? g.id, name: tc.function.name ?? g.name, arguments: g.arguments + tc.function.arguments });
        }
      t.same([...got.values()], calls.map(([i, name, a]) => ({ id: `call_${i}`, name, arguments: JSON.stringify(a) })));
      t.equal(parsed.find((p) => p.choices[0]?.finish_reason)?.choices[0].finish_reason, finish);
      t.same(parsed.at(-1)!.usage, usage);
    }),
    { numRuns: 150 },
  );
});

t.test('property: a field neither translation carries is a 400 naming it, never dropped', async () => {
  const known = new Set(['model', 'messages', 'system', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'stop_sequences', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'user', 'n', 'metadata']);
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z_]{1,20}$/).filter((k) => !known.has(k)), fc.jsonValue().filter((v) => v !== null), (field, value) => {
      t.match(toOpenai.request({ model: 'm', max_tokens: 1, messages: [], [field]: value }), `\`${field}\``);
      t.match(anthropicChat.request({ model: 'm', messages: [], [field]: value }), `\`${field}\``);
    }),
    { numRuns: 200 },
  );
});

t.test('property: no body, event or error text makes a translation throw', async () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      for (const x of [toOpenai, anthropicChat]) {
        x.request({ model: 'm', messages: Array.isArray(a) ? a : [a], tools: b, tool_choice: b, system: b } as Json);
        x.streamEvents('m')({ data: JSON.stringify(a) });
        x.streamEvents('m')({ data: JSON.stringify({ type: 'content_block_delta', delta: b, choices: [{ delta: b }] }) });
        x.error(400, JSON.stringify(a));
      }
      anthropicChat.response({ content: a, usage: b, stop_reason: b } as Json, 'm');
    }),
    { numRuns: 300 },
  );
});

t.test('mappings a caller sees', async (t) => {
  t.match(anthropicChat.request({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }] }), /base64 data: URI or an https URL/);
  t.match(anthropicChat.request({ model: 'm', messages: [], n: 2 }), /`n` other than 1/);
  t.match(anthropicChat.request({ model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }), /arguments must be JSON/);
  t.match(anthropicChat.request({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }), { max_tokens: 4096 }, 'Anthropic requires max_tokens: the default');
  t.match(toOpenai.request({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', is_error: true, content: 'x' }] }] }), /is_error/);
  t.match(toOpenai.request({ model: 'm', max_tokens: 1, messages: [], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }), /only client tools/);
  t.match(openaiMessages('openai-compatible').request({ model: 'm', max_tokens: 7, messages: [] }), { max_tokens: 7 }, 'vLLM and others take max_tokens');
  t.match(anthropicChat.response({ content: [{ type: 'text', text: 'a' }], stop_reason: 'refusal', usage: { input_tokens: 2, cache_read_input_tokens: 5, output_tokens: 1 } }, 'm'), {
    choices: [{ finish_reason: 'content_filter' }],
    usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8, prompt_tokens_details: { cached_tokens: 5 } },
  });
  t.throws(() => toOpenai.response({ choices: [{ message: { tool_calls: [{ id: 'a', function: { name: 'f', arguments: '[1]' } }] } }] }, 'm'), /not a JSON object/, 'an untranslatable answer fails (a 502), never a guess');
  t.match(JSON.parse(toOpenai.error(429, JSON.stringify({ error: { message: 'slow down' } })).text), { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
  t.match(JSON.parse(anthropicChat.error(529, JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } })).text), { error: { message: 'busy' } });
});

t.test("Azure's prompt-filter chunk (no choices, empty id and model) does not start the message", async (t) => {
  const events = openaiMessages('azure-openai').streamEvents('deployment');
  t.same(events({ data: JSON.stringify({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0 }] }) }), []);
  const [start] = events({ data: JSON.stringify({ id: 'c9', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] }) });
  t.match(JSON.parse(start.data), { type: 'message_start', message: { id: 'msg_c9', model: 'gpt-4o-mini' } });
});
