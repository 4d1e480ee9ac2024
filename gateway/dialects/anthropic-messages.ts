// Anthropic POST /v1/messages. Marks text and thinking blocks (`text_delta`, `thinking_delta`);
// tool_use input passes untouched and is collected for fingerprints.
import type { OutputMarker, Usage } from '../core/contracts.js';
import { isObject } from './json-object.js';
import { OPENAI_KINDS } from './openai-common.js';
import { tokenCount } from './usage-counts.js';
import { ProviderAnswerError, type EndpointAdapter, type ParsedRequest, type SseEvent } from './types.js';
import { errorType, objectArray, textOrNull } from './answer-shape.js';
import { eventObject, serializeEvents } from './sse.js';
import { errorAnswerFor } from '../core/errors.js';
import { MAGIC, PAYLOAD_BYTES } from '../watermark/payload.js';
import { removeMarks } from '../watermark/variation-selectors.js';
import { streamFlag } from './stream-flag.js';

function unmarkThinking(message: unknown): unknown {
  if (!isObject(message) || message.role !== 'assistant' || !Array.isArray(message.content)) return message;
  const content = message.content.map((b) => (isObject(b) && b.type === 'thinking' && typeof b.thinking === 'string' ? { ...b, thinking: removeMarks(b.thinking, MAGIC, PAYLOAD_BYTES) } : b));
  return { ...message, content };
}

export const anthropicMessages: EndpointAdapter = {
  endpoint: 'messages',
  dialect: 'anthropic',
  path: '/v1/messages',
  // OpenAI-shaped providers and Bedrock through translation.ts.
  accepts: (kind) => kind === 'anthropic' || kind === 'bedrock' || OPENAI_KINDS.includes(kind),
  streamError: (status, message) => serializeEvents([{ event: 'error', data: JSON.stringify(errorAnswerFor(status, 'failed', 'anthropic', message).body) }]),

  parse(body): ParsedRequest | string {
    if (!isObject(body)) return 'the request body must be a JSON object';
    if (typeof body.model !== 'string' || body.model.length === 0) return 'model: Field required';
    if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: Field required';
    if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
    const prompt = body.system === undefined ? body.messages : [{ role: 'system', content: body.system }, ...body.messages];
    const stream = streamFlag(body);
    if (typeof stream === 'string') return stream;
    return { model: body.model, stream, prompt, structured: false };
  },

  // Thinking blocks sent back go upstream without the marks the gateway put in: Anthropic checks
  // them against the signature it gave the original.
  upstreamBody: (body, upstreamModel) => ({ ...body, model: upstreamModel, messages: Array.isArray(body.messages) ? body.messages.map(unmarkThinking) : body.messages }),

  transformJson(json, marker, out) {
    let first = true;
    for (const block of objectArray(json.content, 'content')) {
      if (block.type === 'thinking') {
        const thinking = textOrNull(block.thinking, 'thinking') ?? '';
        out.reasoning += thinking;
        if (marker) block.thinking = marker.markText(thinking);
      }
      if (block.type === 'tool_use' && block.input !== undefined) out.toolArguments.push(JSON.stringify(block.input));
      if (block.type !== 'text') continue;
      const text = textOrNull(block.text, 'text') ?? '';
      if (first) out.text = text;
      first = false;
      if (marker) block.text = marker.markText(text);
    }
    if (isObject(json.usage)) out.usage = anthropicUsage(json.usage, null);
  },

  streamTransformer(marker, out) {
    const streams = new Map<number, ReturnType<OutputMarker['stream']>>();
    const toolArguments = new Map<number, string>();
    let firstText: number | null = null;
    let started: Usage | null = null;
    /** Collects and marks a piece of text or thinking held in `holder[field]`; re-serialised only when a mark was added. */
    const piece = (ev: SseEvent, e: Record<string, unknown>, index: number, holder: Record<string, unknown>, field: 'text' | 'thinking'): SseEvent[] => {
      const text = textOrNull(holder[field], field) ?? '';
      if (field === 'thinking') out.reasoning += text;
      else if ((firstText ??= index) === index) out.text += text;
      if (!marker || text === '') return [ev];
      let s = streams.get(index);
      if (!s) streams.set(index, (s = marker.stream()));
      const marked = s.push(text);
      if (marked === text) return [ev];
      holder[field] = marked;
      return [{ event: ev.event, data: JSON.stringify(e) }];
    };
    return {
      event(ev) {
        const e = eventObject(ev);
        if (!e) return [ev];
        const index = typeof e.index === 'number' ? e.index : 0;
        switch (e.type) {
          case 'message_start': {
            // The SDKs begin the message with this event's content: text there would leave unmarked and unrecorded.
            if (isObject(e.message) && e.message.content !== undefined && !(Array.isArray(e.message.content) && e.message.content.length === 0)) {
              throw new ProviderAnswerError("the provider's message_start already carries content");
            }
            out.usage = anthropicUsage(isObject(e.message) && isObject(e.message.usage) ? e.message.usage : {}, null);
            started = out.usage;
            return [ev];
          }
          case 'content_block_start': {
            // A block may begin with text of its own (the SDKs keep it): collected and marked like a delta.
            const block = e.content_block;
            if (!isObject(block)) throw new ProviderAnswerError('a content_block_start in the provider\'s stream has no block');
            if (block.type === 'text') return piece(ev, e, index, block, 'text');
            if (block.type === 'thinking') return piece(ev, e, index, block, 'thinking');
            return [ev];
          }
          case 'content_block_delta': {
            const delta = e.delta;
            if (!isObject(delta)) throw new ProviderAnswerError('a content_block_delta in the provider\'s stream has no delta');
            if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
              toolArguments.set(index, (toolArguments.get(index) ?? '') + delta.partial_json);
              out.toolArguments = [...toolArguments.values()];
              return [ev];
            }
            if (delta.type === 'thinking_delta') return piece(ev, e, index, delta, 'thinking');
            if (delta.type === 'text_delta') return piece(ev, e, index, delta, 'text');
            return [ev];
          }
          case 'error':
            out.providerError = errorType(e.error);
            return [ev];
          case 'message_delta': {
            if (isObject(e.usage)) out.usage = anthropicUsage(e.usage, started);
            return [ev];
          }
          case 'message_stop':
            out.complete = true;
            return [ev];
          default:
            return [ev];
        }
      },
    };
  },
};

/**
 * Anthropic's usage in the gateway's terms: its `input_tokens` leave out the prompt-cache writes and
 * reads, which are input too; the reads are the cached input (priced at the cached rate), the writes
 * count as plain input (Anthropic charges them at 1.25 × the input price: the recorded cost is a lower
 * bound when a call writes the cache). A message_delta repeats or omits the input counts of message_start.
 */
export function anthropicUsage(u: Record<string, unknown>, started: Usage | null): Usage {
  const uncached = tokenCount(u.input_tokens);
  const writes = tokenCount(u.cache_creation_input_tokens);
  const reads = tokenCount(u.cache_read_input_tokens);
  const input = uncached === null && writes === null && reads === null && started ? started.input_tokens : (uncached ?? 0) + (writes ?? 0) + (reads ?? 0);
  const cached = reads ?? (uncached === null && started ? (started.cached_input_tokens ?? 0) : 0);
  return { input_tokens: input, output_tokens: tokenCount(u.output_tokens) ?? 0, ...(cached > 0 ? { cached_input_tokens: cached } : {}) };
}

