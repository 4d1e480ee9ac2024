// A provider answer with text where the gateway keeps none is refused: whatever value a hostile provider
// puts in a text field, the adapter either reads it as text (collected, marked) or throws
// ProviderAnswerError — never passes it on unread.
import t from 'tap';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { createOutputMarker } from '../provenance/marker.js';
import { anthropicMessages } from './anthropic-messages.js';
import { openaiChat } from './openai-chat.js';
import { openaiCompletions } from './openai-completions.js';
import { openaiResponses } from './openai-responses.js';
import { emptyOutput, ProviderAnswerError, type EndpointAdapter } from './types.js';

const marker = createOutputMarker({ decisionId: '0190a0b0-0000-7000-8000-000000000002', licenceClass: 'never', trainable: false }, { keyId: 'abcd', macSecret: randomBytes(32) });

/** Reads a JSON answer; 'refused' when the adapter throws ProviderAnswerError, anything else thrown fails the test. */
function readJson(adapter: EndpointAdapter, json: Record<string, unknown>): ReturnType<typeof emptyOutput> | 'refused' {
  const out = emptyOutput();
  try {
    adapter.transformJson(json, marker, out);
    return out;
  } catch (err) {
    if (err instanceof ProviderAnswerError) return 'refused';
    throw err;
  }
}

function readStream(adapter: EndpointAdapter, events: { event?: string; data: unknown }[]): ReturnType<typeof emptyOutput> | 'refused' {
  const out = emptyOutput();
  const tr = adapter.streamTransformer(marker, out, { stream: true });
  try {
    for (const e of events) tr.event({ event: e.event, data: JSON.stringify(e.data) });
    return out;
  } catch (err) {
    if (err instanceof ProviderAnswerError) return 'refused';
    throw err;
  }
}

const isText = (v: unknown) => typeof v === 'string';
const absent = (v: unknown) => v === undefined || v === null;
/** A value as a stream event carries it: JSON on the wire, where NaN, ±Infinity and undefined in an array are null. */
const onTheWire = (v: unknown): unknown => JSON.parse(JSON.stringify([v]))[0];

t.test('property: a chat answer is read only when its content is text or null', async () => {
  fc.assert(
    fc.property(fc.anything(), (content) => {
      const got = readJson(openaiChat, { choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });
      if (isText(content)) return got !== 'refused' && got.text === content;
      if (absent(content)) return got !== 'refused' && got.text === '';
      return got === 'refused';
    }),
  );
});

t.test('property: chat `choices` that is not an array of objects is refused', async () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { minLength: 1 })), (choices) => {
      fc.pre(!Array.isArray(choices) || choices.some((c) => typeof c !== 'object' || c === null || Array.isArray(c)));
      return readJson(openaiChat, { choices }) === 'refused' && readJson(openaiCompletions, { choices }) === 'refused';
    }),
  );
});

t.test('property: a streamed delta is read only when its content is text or null', async () => {
  fc.assert(
    fc.property(fc.anything(), (content) => {
      const got = readStream(openaiChat, [{ data: { choices: [{ index: 0, delta: { content }, finish_reason: null }] } }]);
      const wire = onTheWire(content);
      if (isText(wire)) return got !== 'refused' && got.text === wire;
      if (absent(wire)) return got !== 'refused' && got.text === '';
      return got === 'refused';
    }),
  );
});

t.test('property: an Anthropic text block or text_delta is read only when its text is text', async () => {
  fc.assert(
    fc.property(fc.anything(), (text) => {
      const json = readJson(anthropicMessages, { content: [{ type: 'text', text }] });
      const stream = readStream(anthropicMessages, [{ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } }]);
      const wire = onTheWire(text);
      const streamRead = isText(wire) ? stream !== 'refused' && stream.text === wire : absent(wire) ? stream !== 'refused' : stream === 'refused';
      if (isText(text)) return json !== 'refused' && json.text === text && streamRead;
      if (absent(text)) return json !== 'refused' && streamRead;
      return json === 'refused' && streamRead;
    }),
  );
});

t.test('Anthropic: text a block starts with is collected and marked like a delta', async (t) => {
  const out = emptyOutput();
  const tr = anthropicMessages.streamTransformer(marker, out, {});
  const words = 'The keeper lit the lamp at dusk and watched the ships pass the rocks one by one. '.repeat(4);
  const sent = [
    ...tr.event({ event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: words } }) }),
    ...tr.event({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'And then the night.' } }) }),
  ];
  t.equal(out.text, `${words}And then the night.`, 'both pieces are the recorded text');
  const streamed = JSON.parse(sent[0].data).content_block.text + JSON.parse(sent[1].data).delta.text;
  t.equal(streamed, marker.markText(out.text), 'marked exactly as the same text unstreamed');
  t.equal(readStream(anthropicMessages, [{ event: 'message_start', data: { type: 'message_start', message: { content: [{ type: 'text', text: 'x' }] } } }]), 'refused', 'content in message_start is refused');
});

t.test('provider error events are noted by type, never by message', async (t) => {
  const anthropic = readStream(anthropicMessages, [{ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'sk-secret' } } }]);
  const chat = readStream(openaiChat, [{ data: { error: { type: 'server_error', message: 'sk-secret' } } }]);
  const responses = readStream(openaiResponses, [{ event: 'response.failed', data: { type: 'response.failed', response: { error: { code: 'server_error', message: 'sk-secret' } } } }]);
  t.same([anthropic, chat, responses].map((o) => (o === 'refused' ? o : o.providerError)), ['overloaded_error', 'server_error', 'server_error']);
});

t.test('Responses: the completed event must carry the text the deltas streamed; with no deltas it is the text', async (t) => {
  const delta = (d: string) => ({ event: 'response.output_text.delta', data: { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: d } });
  const completed = (text: string) => ({ event: 'response.completed', data: { type: 'response.completed', response: { output: [{ type: 'message', content: [{ type: 'output_text', text }] }], usage: { input_tokens: 1, output_tokens: 2 } } } });
  const same = readStream(openaiResponses, [delta('hello '), delta('there'), completed('hello there')]);
  t.match(same, { text: 'hello there', complete: true });
  t.equal(readStream(openaiResponses, [delta('hello'), completed('something else entirely')]), 'refused', 'a final text other than the streamed one is refused');
  t.match(readStream(openaiResponses, [completed('only in the final event')]), { text: 'only in the final event', complete: true }, 'no deltas: the final text is recorded');
  const cut = readStream(openaiResponses, [delta('hello'), { event: 'response.incomplete', data: { type: 'response.incomplete', response: { output: [{ type: 'message', content: [{ type: 'output_text', text: 'hello' }] }] } } }]);
  t.match(cut, { text: 'hello', complete: true }, 'stopped by max_output_tokens is an ended answer');
});
