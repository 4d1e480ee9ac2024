import t from 'tap';
import fc from 'fast-check';
import { bedrockChat } from './bedrock-chat.js';
import { chained } from './chained-translation.js';
import { openaiMessages } from './openai-messages.js';

type Json = Record<string, unknown>;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const weather = { type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

/** What the OpenAI SDK makes of a stream's chunks: the text, each tool call by index, the finish reason. */
function accumulate(chunks: Json[]) {
  let text = '';
  let finish: unknown = null;
  const calls: { id?: unknown; name?: unknown; arguments: string }[] = [];
  for (const c of chunks) {
    const choice = (c.choices as Json[])[0];
    if (!choice) continue;
    const delta = choice.delta as Json;
    if (typeof delta.content === 'string') text += delta.content;
    for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
      const f = call.function as Json;
      const slot = (calls[call.index as number] ??= { id: undefined, name: undefined, arguments: '' });
      if (call.id !== undefined) [slot.id, slot.name] = [call.id, f.name];
      slot.arguments += f.arguments as string;
    }
    finish = choice.finish_reason ?? finish;
  }
  return { text, calls, finish };
}

/** A Converse answer as ConverseStream events, each tool input cut at the given points. */
function streamOf(content: Json[], stopReason: string, cuts: number[]): { event: string; data: string }[] {
  const ev = (event: string, data: Json) => ({ event, data: JSON.stringify(data) });
  const out = [ev('messageStart', { role: 'assistant' })];
  content.forEach((block, i) => {
    if (typeof block.text === 'string') out.push(ev('contentBlockDelta', { contentBlockIndex: i, delta: { text: block.text } }));
    const use = block.toolUse as Json | undefined;
    if (use) {
      out.push(ev('contentBlockStart', { contentBlockIndex: i, start: { toolUse: { toolUseId: use.toolUseId, name: use.name } } }));
      const input = JSON.stringify(use.input);
      const points = [...new Set([0, ...cuts.map((c) => c % (input.length + 1)), input.length])].sort((a, b) => a - b);
      for (let k = 1; k < points.length; k++) out.push(ev('contentBlockDelta', { contentBlockIndex: i, delta: { toolUse: { input: input.slice(points[k - 1], points[k]) } } }));
    }
    out.push(ev('contentBlockStop', { contentBlockIndex: i }));
  });
  out.push(ev('messageStop', { stopReason }), ev('metadata', { usage: { inputTokens: 3, outputTokens: 4 } }));
  return out;
}

const translateStream = (events: { event: string; data: string }[]) => {
  const translate = bedrockChat.streamEvents('m');
  return events.flatMap(translate).flatMap((e) => (e.data === '[DONE]' ? [] : [JSON.parse(e.data) as Json]));
};

t.test('request: text turns, system, inference settings', async (t) => {
  t.same(
    bedrockChat.request({ model: 'm', messages: [{ role: 'developer', content: 'A' }, { role: 'user', content: [{ type: 'text', text: 'B' }] }, { role: 'assistant', content: 'C' }], max_tokens: 5, top_p: 0.9, stop: ['x'], stream: true, stream_options: { include_usage: true } }),
    { messages: [{ role: 'user', content: [{ text: 'B' }] }, { role: 'assistant', content: [{ text: 'C' }] }], system: [{ text: 'A' }], inferenceConfig: { maxTokens: 5, topP: 0.9, stopSequences: ['x'] } },
  );
  t.equal(bedrockChat.path('anthropic.claude-3-haiku-20240307-v1:0', true), '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream');
});

t.test('request: tools, tool choice, tool calls and results, images', async (t) => {
  const body = bedrockChat.request({
    model: 'm',
    tools: [weather],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    messages: [
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }, { type: 'text', text: 'Weather here?' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }, { id: 'tooluse_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } }] },
      { role: 'tool', tool_call_id: 'tooluse_1', content: 'Sunny' },
      { role: 'tool', tool_call_id: 'tooluse_2', content: [{ type: 'text', text: 'Rain' }] },
      { role: 'user', content: 'And tomorrow?' },
    ],
  });
  t.same(body, {
    messages: [
      { role: 'user', content: [{ image: { format: 'png', source: { bytes: PNG } } }, { text: 'Weather here?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } } }, { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Bergen' } } }] },
      {
        role: 'user',
        content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'Sunny' }], status: 'success' } }, { toolResult: { toolUseId: 'tooluse_2', content: [{ text: 'Rain' }], status: 'success' } }, { text: 'And tomorrow?' }],
      },
    ],
    toolConfig: { tools: [{ toolSpec: { name: 'get_weather', description: 'The weather in a city', inputSchema: { json: weather.function.parameters } } }], toolChoice: { tool: { name: 'get_weather' } } },
  });
  const choice = (c: unknown) => (bedrockChat.request({ messages: [{ role: 'user', content: 'x' }], tools: [weather], tool_choice: c }) as Json).toolConfig;
  t.match(choice('auto'), { toolChoice: { auto: {} } });
  t.match(choice('required'), { toolChoice: { any: {} } });
  t.notOk((choice(undefined) as Json).toolChoice, 'no choice: the model decides');
});

t.test('request: what cannot be carried is a reason naming it', async (t) => {
  const refused = (extra: Json, messages: unknown[] = [{ role: 'user', content: 'x' }]) => bedrockChat.request({ model: 'm', messages, ...extra });
  t.match(refused({ response_format: { type: 'json_object' } }), /`response_format` is not supported/);
  t.match(refused({ seed: 1 }), /`seed` is not supported/);
  t.match(refused({ logprobs: true }), /`logprobs` is not supported/);
  t.match(refused({ n: 2 }), /`n` other than 1/);
  t.match(refused({ tools: [weather], tool_choice: 'none' }), /`tool_choice` must be auto, required or a named function/);
  t.match(refused({ tool_choice: 'auto' }), /`tool_choice` needs `tools`/);
  t.match(refused({ tools: [weather], parallel_tool_calls: false }), /`parallel_tool_calls: false` is not supported/);
  t.match(refused({}, [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }]), /messages\[0\]\.content\[0\]\.image_url\.url must be a base64 data: URL/);
  t.match(refused({}, [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/tiff;base64,${PNG}` } }] }]), /PNG, JPEG, GIF or WebP/);
  t.match(refused({}, [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }]), /content\[0\] of type `input_audio`/);
  t.match(refused({}, [{ role: 'assistant', content: null, tool_calls: [{ id: 'a', function: { name: 'f', arguments: '[1]' } }] }]), /tool_calls\[0\]\.function\.arguments must be a JSON object/);
  t.match(refused({}, [{ role: 'tool', content: 'x' }]), /messages\[0\]\.tool_call_id is required/);
  t.match(refused({}, [{ role: 'system', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }]), /content\[0\] of type `image_url`/);
});

t.test('response: text, tool calls, stop reasons, usage', async (t) => {
  t.match(bedrockChat.response({ output: { message: { content: [{ text: 'Hi' }, { text: '!' }] } }, stopReason: 'guardrail_intervened', usage: { inputTokens: 2, outputTokens: 3 } }, 'm'), {
    choices: [{ message: { content: 'Hi!' }, finish_reason: 'content_filter' }],
    usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
  });
  const r = bedrockChat.response({ output: { message: { content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } } }] } }, stopReason: 'tool_use' }, 'm');
  t.match(r, { choices: [{ message: { content: null, tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] }, finish_reason: 'tool_calls' }] });
  const thought = bedrockChat.response({ output: { message: { content: [{ reasoningContent: { reasoningText: { text: 'Think.', signature: 's' } } }, { reasoningContent: { redactedContent: 'AAAA' } }, { text: 'Done.' }] } }, stopReason: 'end_turn' }, 'm');
  t.match(thought, { choices: [{ message: { content: 'Done.', reasoning_content: 'Think.' } }] }, 'reasoning as reasoning_content (marked like text), never dropped into nothing');
  const events = bedrockChat.streamEvents('m');
  t.match(JSON.parse(events({ event: 'contentBlockDelta', data: '{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Hm"}}}' })[0].data), { choices: [{ delta: { reasoning_content: 'Hm' } }] });
  t.same(events({ event: 'contentBlockDelta', data: '{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"s"}}}' }), [], 'a signature delta carries no text');
});

t.test('stream events and errors', async (t) => {
  const events = bedrockChat.streamEvents('m');
  t.match(JSON.parse(events({ event: 'messageStart', data: '{"role":"assistant"}' })[0].data), { choices: [{ delta: { role: 'assistant' } }] });
  t.match(JSON.parse(events({ event: 'contentBlockDelta', data: '{"delta":{"text":"x"}}' })[0].data), { choices: [{ delta: { content: 'x' } }] });
  t.match(JSON.parse(events({ event: 'contentBlockStart', data: '{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"f"}}}' })[0].data), {
    choices: [{ delta: { tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] } }],
  });
  t.match(JSON.parse(events({ event: 'contentBlockDelta', data: '{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\\"a\\""}}}' })[0].data), { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] } }] });
  t.same(events({ event: 'contentBlockDelta', data: '{"contentBlockIndex":7,"delta":{"toolUse":{"input":"x"}}}' }), [], 'a fragment of no open tool call is dropped');
  t.match(JSON.parse(events({ event: 'messageStop', data: '{"stopReason":"tool_use"}' })[0].data), { choices: [{ finish_reason: 'tool_calls' }] });
  t.same(events({ event: 'metadata', data: '{"usage":{"inputTokens":1,"outputTokens":2}}' }).map((e) => (e.data === '[DONE]' ? e.data : JSON.parse(e.data).usage)), [{ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, '[DONE]']);
  t.match(JSON.parse(events({ event: 'exception', data: '{"exception":"ModelStreamErrorException","message":"boom"}' })[0].data), { error: { message: /ModelStreamErrorException: boom/ } });
  t.match(JSON.parse(bedrockChat.error(429, '{"message":"Too many requests"}').text), { error: { message: 'Too many requests' } });
});

t.test('an Anthropic caller through OpenAI chat: tool_use, tool_result and base64 image blocks reach Converse', async (t) => {
  const chain = chained(openaiMessages('bedrock'), bedrockChat);
  const body = chain.request({
    model: 'm',
    max_tokens: 100,
    tools: [{ name: 'get_weather', input_schema: weather.function.parameters }],
    tool_choice: { type: 'any' },
    messages: [
      { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: PNG } }, { type: 'text', text: 'Weather?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'tooluse_9', name: 'get_weather', input: { city: 'Oslo' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tooluse_9', content: 'Sunny' }] },
    ],
  });
  t.same(body, {
    messages: [
      { role: 'user', content: [{ image: { format: 'jpeg', source: { bytes: PNG } } }, { text: 'Weather?' }] },
      { role: 'assistant', content: [{ text: 'Checking.' }, { toolUse: { toolUseId: 'tooluse_9', name: 'get_weather', input: { city: 'Oslo' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_9', content: [{ text: 'Sunny' }], status: 'success' } }] },
    ],
    inferenceConfig: { maxTokens: 100 },
    toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: weather.function.parameters } } }], toolChoice: { any: {} } },
  });
  const answer = chain.response({ output: { message: { content: [{ text: 'On it.' }, { toolUse: { toolUseId: 'tooluse_10', name: 'get_weather', input: { city: 'Bergen' } } }] } }, stopReason: 'tool_use' }, 'm');
  t.match(answer, { content: [{ type: 'text', text: 'On it.' }, { type: 'tool_use', id: 'tooluse_10', name: 'get_weather', input: { city: 'Bergen' } }], stop_reason: 'tool_use' });
  t.match(chain.request({ model: 'm', max_tokens: 5, tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'x' }] }), /`tool_choice`/);
});

const name = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,30}$/);
const args = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
const calls = fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 12 }), name, args }), { minLength: 1, maxLength: 3 });

t.test('property: an assistant turn’s tool calls reach Converse and come back as they went', async () => {
  fc.assert(
    fc.property(calls, fc.string({ maxLength: 20 }), (cs, text) => {
      const toolCalls = cs.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } }));
      const sent = bedrockChat.request({ messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: text, tool_calls: toolCalls }], tools: cs.map((c) => ({ type: 'function', function: { name: c.name } })) }) as Json;
      const turn = (sent.messages as Json[])[1];
      const back = bedrockChat.response({ output: { message: turn }, stopReason: 'tool_use' }, 'm') as Json;
      const message = (back.choices as Json[])[0].message as Json;
      const parsed = (message.tool_calls as Json[]).map((c) => ({ id: c.id, name: (c.function as Json).name, args: JSON.parse((c.function as Json).arguments as string) }));
      if (JSON.stringify(parsed) !== JSON.stringify(cs.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(JSON.stringify(c.args)) })))) throw new Error('tool calls changed');
      if ((message.content ?? '') !== text) throw new Error('text changed');
    }),
    { numRuns: 200 },
  );
});

t.test('property: an Anthropic caller’s tool_use blocks reach Converse through the chain and come back as they went', async () => {
  const chain = chained(openaiMessages('bedrock'), bedrockChat);
  const toolId = fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/);
  fc.assert(
    fc.property(fc.array(fc.record({ id: toolId, name, args }), { minLength: 1, maxLength: 3 }), fc.string({ minLength: 1, maxLength: 20 }), (cs, text) => {
      const uses = cs.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args }));
      const sent = chain.request({
        model: 'm',
        max_tokens: 10,
        tools: cs.map((c) => ({ name: c.name, input_schema: { type: 'object' } })),
        messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: [{ type: 'text', text }, ...uses] }, { role: 'user', content: cs.map((c) => ({ type: 'tool_result', tool_use_id: c.id, content: 'ok' })) }],
      }) as Json;
      const [, turn, results] = sent.messages as Json[];
      if ((results.content as Json[]).length !== cs.length) throw new Error('tool results lost');
      const back = chain.response({ output: { message: turn }, stopReason: 'tool_use' }, 'm') as Json;
      const blocks = (back.content as Json[]).filter((b) => b.type === 'tool_use').map((b) => ({ type: b.type, id: b.id, name: b.name, input: b.input }));
      if (JSON.stringify(blocks) !== JSON.stringify(uses.map((u) => ({ ...u, input: JSON.parse(JSON.stringify(u.input)) })))) throw new Error('tool_use blocks changed');
      if (back.stop_reason !== 'tool_use') throw new Error('stop reason changed');
    }),
    { numRuns: 150 },
  );
});

t.test('property: a Converse answer streamed in any fragments is the same answer as whole', async () => {
  fc.assert(
    fc.property(calls, fc.string({ minLength: 1, maxLength: 20 }), fc.array(fc.nat(200), { maxLength: 6 }), (cs, text, cuts) => {
      const content = [{ text }, ...cs.map((c) => ({ toolUse: { toolUseId: c.id, name: c.name, input: c.args } }))];
      const whole = ((bedrockChat.response({ output: { message: { content } }, stopReason: 'tool_use' }, 'm') as Json).choices as Json[])[0];
      const streamed = accumulate(translateStream(streamOf(content, 'tool_use', cuts)));
      const message = whole.message as Json;
      if (streamed.text !== message.content || streamed.finish !== whole.finish_reason) throw new Error('text or finish differs');
      const wholeCalls = (message.tool_calls as Json[]).map((c) => ({ id: c.id, name: (c.function as Json).name, arguments: (c.function as Json).arguments }));
      if (JSON.stringify(streamed.calls) !== JSON.stringify(wholeCalls)) throw new Error('tool calls differ');
    }),
    { numRuns: 200 },
  );
});

t.test('property: images and tools are carried byte for byte; turns alternate whatever the order of roles', async () => {
  const format = fc.constantFrom(['image/png', 'png'], ['image/jpeg', 'jpeg'], ['image/gif', 'gif'], ['image/webp', 'webp']);
  const role = fc.constantFrom('user', 'assistant', 'tool');
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), format, name, fc.string(), args, fc.array(role, { minLength: 1, maxLength: 8 }), (bytes, [media, f], tool, description, schema, roles) => {
      const data = Buffer.from(bytes).toString('base64');
      const messages = roles.map((r, i) =>
        r === 'tool' ? { role: 'tool', tool_call_id: `t${i}`, content: 'ok' } : { role: r, content: r === 'user' ? [{ type: 'image_url', image_url: { url: `data:${media};base64,${data}` } }] : `a${i}` },
      );
      const sent = bedrockChat.request({ messages, tools: [{ type: 'function', function: { name: tool, description, parameters: schema } }] }) as Json;
      const turns = sent.messages as { role: string; content: Json[] }[];
      for (let i = 1; i < turns.length; i++) if (turns[i].role === turns[i - 1].role) throw new Error('two turns of one role in a row');
      for (const b of turns.flatMap((m) => m.content)) {
        const image = b.image as { format: string; source: { bytes: string } } | undefined;
        if (image && (image.format !== f || image.source.bytes !== data)) throw new Error('image changed');
      }
      const spec = ((sent.toolConfig as Json).tools as Json[])[0].toolSpec as Json;
      if (spec.name !== tool || spec.description !== description || JSON.stringify((spec.inputSchema as Json).json) !== JSON.stringify(schema)) throw new Error('tool changed');
    }),
    { numRuns: 200 },
  );
});

t.test('property: any field outside what is carried is refused by name', async () => {
  const carried = ['model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'n'];
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 20 }).filter((f) => !carried.includes(f)),
      fc.jsonValue().filter((v) => v !== null),
      (field, value) => {
        const out = bedrockChat.request({ model: 'm', messages: [{ role: 'user', content: 'x' }], [field]: value });
        if (typeof out !== 'string' || !out.includes(`\`${field}\``)) throw new Error(`${field} was not refused by name`);
      },
    ),
    { numRuns: 200 },
  );
});

t.test('property: no body, answer or event makes the translation throw', async () => {
  fc.assert(
    fc.property(
      fc.jsonValue(),
      fc.jsonValue(),
      fc.constantFrom('messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata', 'exception', 'other'),
      (a, b, event) => {
        bedrockChat.request({ messages: Array.isArray(a) ? a : [a], stop: b, tools: a, tool_choice: b } as Record<string, unknown>);
        bedrockChat.response({ output: { message: { content: a } }, usage: b, stopReason: a } as Record<string, unknown>, 'm');
        const events = bedrockChat.streamEvents('m');
        events({ event: 'contentBlockStart', data: JSON.stringify({ contentBlockIndex: 0, start: a }) });
        events({ event, data: JSON.stringify(a) });
        events({ event: 'contentBlockDelta', data: JSON.stringify({ contentBlockIndex: 0, delta: b }) });
        bedrockChat.error(500, JSON.stringify(b));
      },
    ),
    { numRuns: 300 },
  );
});
