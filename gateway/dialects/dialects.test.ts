// The dialect adapters with the real watermark marker: a streamed answer, cut into arbitrary
// deltas, comes out with exactly the text and marks of the same answer unstreamed.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createOutputMarker } from '../provenance/marker.js';
import { anthropicMessages } from './anthropic-messages.js';
import { openaiChat } from './openai-chat.js';
import { openaiResponses } from './openai-responses.js';
import { SseRelay, sendsNewOutput } from './sse.js';
import { emptyOutput, type SseEvent } from './types.js';

const marker = createOutputMarker(
  { decisionId: '0190a0b0-0000-7000-8000-000000000001', licenceClass: 'never', trainable: false },
  { keyId: 'abcd', macSecret: randomBytes(32) },
);
const text =
  'The lighthouse keeper climbed the stairs at dusk. Here is code: `let x = 1;` and more words follow, ' +
  'one after another, until the lamp was lit and the ships could see the rocks. '.repeat(6);

function pieces(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

t.test('OpenAI chat: stream marks equal markText; nothing follows the finish chunk', async (t) => {
  for (const size of [1, 3, 7, 40]) {
    const out = emptyOutput();
    const tr = openaiChat.streamTransformer(marker, out, { stream: true });
    const sent: SseEvent[] = [];
    const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
    sent.push(...tr.event({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) }));
    for (const p of pieces(text, size)) sent.push(...tr.event({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] }) }));
    sent.push(...tr.event({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) }));
    sent.push(...tr.event({ data: JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 9 } }) }));
    sent.push(...tr.event({ data: '[DONE]' }));
    const chunks = sent.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
    const streamed = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    t.equal(streamed, marker.markText(text), `delta size ${size}`);
    t.equal(out.text, text, 'the original text is collected for the record');
    t.same(out.usage, { input_tokens: 5, output_tokens: 9 }, 'usage captured');
    t.notOk(chunks.some((c) => c.usage), 'usage chunk dropped: the caller did not ask for it');
    t.equal(sent.at(-1)!.data, '[DONE]');
    const finishAt = chunks.findIndex((c) => c.choices[0]?.finish_reason === 'stop');
    t.equal(finishAt, chunks.length - 1, 'nothing follows the finish chunk');
  }
});

t.test('OpenAI chat JSON: content marked, tool calls untouched', async (t) => {
  const json = {
    choices: [
      { index: 0, message: { role: 'assistant', content: text, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a": "b c d"}' } }] }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 2 },
  };
  const out = emptyOutput();
  openaiChat.transformJson(json, marker, out);
  t.equal(json.choices[0].message.content, marker.markText(text));
  t.equal(json.choices[0].message.tool_calls[0].function.arguments, '{"a": "b c d"}');
  t.equal(out.text, text);
});

t.test('JSON mode is structured: no marker is asked for', async (t) => {
  const parsed = openaiChat.parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' } });
  t.equal(typeof parsed === 'object' && parsed.structured, true);
});

t.test('Anthropic stream: text deltas marked like markText; tool input untouched', async (t) => {
  const out = emptyOutput();
  const tr = anthropicMessages.streamTransformer(marker, out, {});
  const sent: SseEvent[] = [];
  const ev = (type: string, body: object) => tr.event({ event: type, data: JSON.stringify({ type, ...body }) });
  sent.push(...ev('message_start', { message: { usage: { input_tokens: 12, output_tokens: 1 } } }));
  sent.push(...ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  for (const p of pieces(text, 5)) sent.push(...ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } }));
  sent.push(...ev('content_block_stop', { index: 0 }));
  sent.push(...ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'x', name: 'f', input: {} } }));
  sent.push(...ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Oslo is"}' } }));
  sent.push(...ev('content_block_stop', { index: 1 }));
  sent.push(...ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 40 } }));
  const parsed = sent.map((e) => ({ event: e.event, ...JSON.parse(e.data) }));
  const streamed = parsed.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'text_delta').map((e) => e.delta.text).join('');
  t.equal(streamed, marker.markText(text));
  t.equal(parsed.find((e) => e.delta?.type === 'input_json_delta').delta.partial_json, '{"city": "Oslo is"}');
  t.same(out.usage, { input_tokens: 12, output_tokens: 40 });
  t.equal(out.text, text);
});

t.test('Responses stream: deltas, done text and completed response carry the same marks; sequence numbers stay increasing', async (t) => {
  const out = emptyOutput();
  const tr = openaiResponses.streamTransformer(marker, out, {});
  let seq = 0;
  const sent: SseEvent[] = [];
  const ev = (type: string, body: object) => sent.push(...tr.event({ event: type, data: JSON.stringify({ type, sequence_number: seq++, ...body }) }));
  ev('response.created', { response: {} });
  for (const p of pieces(text, 6)) ev('response.output_text.delta', { item_id: 'i', output_index: 0, content_index: 0, delta: p });
  ev('response.output_text.done', { item_id: 'i', output_index: 0, content_index: 0, text });
  ev('response.completed', { response: { output: [{ type: 'message', content: [{ type: 'output_text', text }] }], usage: { input_tokens: 3, output_tokens: 4 } } });
  const parsed = sent.map((e) => JSON.parse(e.data));
  const deltas = parsed.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
  t.equal(deltas, marker.markText(text));
  t.equal(parsed.find((e) => e.type === 'response.output_text.done').text, marker.markText(text));
  t.equal(parsed.at(-1).response.output[0].content[0].text, marker.markText(text));
  const seqs = parsed.map((e) => e.sequence_number);
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'increasing');
  t.equal(new Set(seqs).size, seqs.length, 'unique');
  t.same(out.usage, { input_tokens: 3, output_tokens: 4 });
});

t.test('SseRelay: events split across chunks are parsed whole; the newest is held back until last()', async (t) => {
  const relay = new SseRelay({ event: (ev) => (ev.data === 'drop' ? [] : [{ event: ev.event, data: ev.data.toUpperCase() }]) });
  const enc = (s: string) => new TextEncoder().encode(s);
  t.equal(relay.push(enc('event: a\ndata: one\n\nda')), '', 'one complete event: held back');
  t.equal(relay.push(enc('ta: two\n\ndata: drop\n\n')), 'event: a\ndata: ONE\n\n', 'the next event releases it; a dropped event releases nothing');
  t.equal(relay.push(enc('data: th')), '');
  t.equal(relay.push(enc('ree\n\n')), 'data: TWO\n\n');
  t.equal(relay.last(), 'data: THREE\n\n', 'the newest event is the last');
});

t.test('SseRelay: an event that may go at once goes with whatever was held before it; the next one is held again', async (t) => {
  const urgent = new Set(['TEXT']);
  let last = '';
  const relay = new SseRelay({ event: (ev) => ((last = ev.data.toUpperCase()), [{ data: last }]) }, () => urgent.has(last));
  const enc = (s: string) => new TextEncoder().encode(s);
  t.equal(relay.push(enc('data: role\n\n')), '', 'an event that may not go is held');
  t.equal(relay.push(enc('data: text\n\n')), 'data: ROLE\n\ndata: TEXT\n\n', 'the held one, then the urgent one, in order');
  t.equal(relay.push(enc('data: stop\n\ndata: done\n\n')), 'data: STOP\n\n');
  t.equal(relay.last(), 'data: DONE\n\n', 'the newest event that may not go is still the last');
});

t.test('each dialect through the relay: every text delta goes out in the push that brought it; the end event stays back for the record', async (t) => {
  const wire = (events: Array<{ event?: string; data: string }>) => events.map((e) => (e.event ? `event: ${e.event}\n` : '') + `data: ${e.data}\n\n`);
  const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const words = ['The', ' lamp', ' was', ' lit'];
  const streams = {
    openaiChat: {
      adapter: openaiChat,
      events: [
        { data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) },
        ...words.map((w) => ({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] }) })),
        { data: JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) },
        { data: '[DONE]' },
      ],
      last: '[DONE]',
    },
    anthropicMessages: {
      adapter: anthropicMessages,
      events: [
        { event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 1, output_tokens: 1 } } }) },
        { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) },
        ...words.map((w) => ({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } }) })),
        { event: 'content_block_stop', data: JSON.stringify({ type: 'content_block_stop', index: 0 }) },
        { event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } }) },
        { event: 'message_stop', data: JSON.stringify({ type: 'message_stop' }) },
      ],
      last: 'message_stop',
    },
    openaiResponses: {
      adapter: openaiResponses,
      events: [
        { event: 'response.created', data: JSON.stringify({ type: 'response.created', sequence_number: 0, response: {} }) },
        ...words.map((w, i) => ({ event: 'response.output_text.delta', data: JSON.stringify({ type: 'response.output_text.delta', sequence_number: i + 1, item_id: 'i', output_index: 0, content_index: 0, delta: w }) })),
        {
          event: 'response.completed',
          data: JSON.stringify({ type: 'response.completed', sequence_number: 9, response: { output: [{ type: 'message', content: [{ type: 'output_text', text: words.join('') }] }], usage: { input_tokens: 1, output_tokens: 4 } } }),
        },
      ],
      last: 'response.completed',
    },
  };
  for (const [name, { adapter, events, last }] of Object.entries(streams)) {
    const out = emptyOutput();
    const relay = new SseRelay(adapter.streamTransformer(null, out, { stream: true }), sendsNewOutput(out));
    const enc = new TextEncoder();
    let sentBeforeEnd = '';
    for (const piece of wire(events)) {
      const sent = relay.push(enc.encode(piece));
      const word = words.find((w) => piece.includes(JSON.stringify(w)));
      if (word) t.ok(sent.includes(JSON.stringify(word)), `${name}: ${JSON.stringify(word)} goes out at once`);
      sentBeforeEnd += sent;
    }
    sentBeforeEnd += relay.end();
    t.ok(out.complete, `${name}: complete`);
    t.ok(relay.last().includes(last), `${name}: the end event is held for the record`);
    t.notOk(sentBeforeEnd.includes(last), `${name}: and not sent before it`);
  }
});

t.test('stream errors in each dialect: Anthropic names the event, OpenAI sends data only', async (t) => {
  t.same(anthropicMessages.streamError(502, 'gone'), `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'gone' } })}\n\n`);
  t.match(openaiChat.streamError(504, 'slow'), /^data: \{"error":\{"message":"slow"/);
  t.notMatch(openaiResponses.streamError(504, 'slow'), /^event:/);
});

t.test('OpenAI usage names the cached input tokens, which the price catalogue prices lower', async (t) => {
  const { openaiUsage } = await import('./openai-common.js');
  t.same(openaiUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 64 } }), { input_tokens: 100, output_tokens: 5, cached_input_tokens: 64 });
  t.same(openaiUsage({ input_tokens: 10, output_tokens: 2, input_tokens_details: { cached_tokens: 0 } }), { input_tokens: 10, output_tokens: 2 });
  t.same(openaiUsage({ prompt_tokens: 3, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 'many' } }), { input_tokens: 3, output_tokens: 1 });
});
