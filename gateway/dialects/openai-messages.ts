// Anthropic messages ⇄ an OpenAI-shaped chat completions provider (OpenAI, Azure OpenAI, OpenAI-compatible
// servers). System text, text and image blocks, tools, tool_use and tool_result blocks, sampling settings,
// stop sequences and metadata.user_id are carried; every other field set to a value (top_k, thinking, server
// tools, …) is refused with a 400 naming it rather than silently dropped. Pure: no I/O.
import type { ProviderKind } from '../core/contracts.js';
import { errorAnswerFor } from '../core/errors.js';
import { isObject } from './json-object.js';
import { providerErrorMessage } from './provider-error.js';
import { eventObject } from './sse.js';
import { tokenCount } from './usage-counts.js';
import type { ProviderTranslation, SseEvent } from './types.js';

type Json = Record<string, unknown>;

const CARRIED = new Set(['model', 'messages', 'system', 'max_tokens', 'temperature', 'top_p', 'stop_sequences', 'stream', 'tools', 'tool_choice', 'metadata']);
const NOT_SUPPORTED = 'is not supported for OpenAI-shaped models through termsgate';

/** The translation for one provider kind: OpenAI's own API takes max_completion_tokens, other OpenAI-shaped servers max_tokens. */
export function openaiMessages(kind: ProviderKind): ProviderTranslation {
  const maxField = kind === 'openai-compatible' ? 'max_tokens' : 'max_completion_tokens';
  return {
    path: () => '/v1/chat/completions',

    request(body) {
      for (const [field, value] of Object.entries(body)) if (!CARRIED.has(field) && value !== undefined && value !== null) return `\`${field}\` ${NOT_SUPPORTED}`;
      const messages: Json[] = [];
      if (body.system !== undefined) {
        const system = textOf(body.system);
        if (system === null) return '`system` must be a string or text blocks';
        messages.push({ role: 'system', content: system });
      }
      for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
        if (!isObject(m) || (m.role !== 'user' && m.role !== 'assistant')) return `messages[${i}].role must be user or assistant`;
        const turn = m.role === 'user' ? userMessages(m.content) : assistantMessage(m.content);
        if (typeof turn === 'string') return `messages[${i}].content${turn}`;
        messages.push(...turn);
      }
      const out: Json = { model: body.model, messages, [maxField]: body.max_tokens };
      if (typeof body.temperature === 'number') out.temperature = body.temperature;
      if (typeof body.top_p === 'number') out.top_p = body.top_p;
      if (Array.isArray(body.stop_sequences) && body.stop_sequences.length) out.stop = body.stop_sequences;
      // Usage comes only when asked for; the caller's message_delta needs it.
      if (body.stream === true) Object.assign(out, { stream: true, stream_options: { include_usage: true } });
      if (isObject(body.metadata)) {
        for (const key of Object.keys(body.metadata)) if (key !== 'user_id') return `\`metadata.${key.slice(0, 40)}\` ${NOT_SUPPORTED}`;
        if (typeof body.metadata.user_id === 'string') out.user = body.metadata.user_id;
      }
      if (Array.isArray(body.tools)) {
        const tools: Json[] = [];
        for (const [i, t] of body.tools.entries()) {
          if (!isObject(t) || typeof t.name !== 'string' || (t.type !== undefined && t.type !== 'custom')) return `tools[${i}]: only client tools with a name and input_schema are supported for OpenAI-shaped models`;
          tools.push({ type: 'function', function: { name: t.name, ...(typeof t.description === 'string' ? { description: t.description } : {}), parameters: t.input_schema } });
        }
        out.tools = tools;
      }
      if (isObject(body.tool_choice)) {
        const c = body.tool_choice;
        if (c.type === 'auto') out.tool_choice = 'auto';
        else if (c.type === 'any') out.tool_choice = 'required';
        else if (c.type === 'none') out.tool_choice = 'none';
        else if (c.type === 'tool' && typeof c.name === 'string') out.tool_choice = { type: 'function', function: { name: c.name } };
        else return '`tool_choice` must be auto, any, none or tool';
        if (c.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
      }
      return out;
    },

    response(json, model) {
      const choice = Array.isArray(json.choices) && isObject(json.choices[0]) ? json.choices[0] : {};
      const message = isObject(choice.message) ? choice.message : {};
      const content: Json[] = [];
      if (typeof message.reasoning_content === 'string' && message.reasoning_content) content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
      if (typeof message.content === 'string' && message.content) content.push({ type: 'text', text: message.content });
      for (const c of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
        if (!isObject(c) || !isObject(c.function)) continue;
        content.push({ type: 'tool_use', id: String(c.id), name: String(c.function.name), input: inputOf(c.function.arguments) });
      }
      const u = isObject(json.usage) ? json.usage : {};
      return {
        id: `msg_${typeof json.id === 'string' ? json.id : 'openai'}`,
        type: 'message',
        role: 'assistant',
        model: typeof json.model === 'string' ? json.model : model,
        content,
        stop_reason: stopReason(choice.finish_reason),
        stop_sequence: null,
        usage: { input_tokens: count(u.prompt_tokens), output_tokens: count(u.completion_tokens) },
      };
    },

    streamEvents(model) {
      const ev = (type: string, data: Json): SseEvent => ({ event: type, data: JSON.stringify({ type, ...data }) });
      let started = false;
      let stop: string | null = null;
      let usage = { input_tokens: 0, output_tokens: 0 };
      /** The open content block: its Anthropic index and what it holds (text, thinking, or the OpenAI tool-call index). */
      let open: { index: number; kind: 'text' | 'thinking' | number } | null = null;
      let next = 0;
      const openBlock = (kind: 'text' | 'thinking' | number, block: Json): SseEvent[] => {
        const out = closeBlock();
        open = { index: next++, kind };
        out.push(ev('content_block_start', { index: open.index, content_block: block }));
        return out;
      };
      const closeBlock = (): SseEvent[] => {
        if (!open) return [];
        const out = [...(open.kind === 'thinking' ? [ev('content_block_delta', { index: open.index, delta: { type: 'signature_delta', signature: '' } })] : []), ev('content_block_stop', { index: open.index })];
        open = null;
        return out;
      };
      return (e: SseEvent): SseEvent[] => {
        if (e.data === '[DONE]') {
          return [...closeBlock(), ev('message_delta', { delta: { stop_reason: stop ?? 'end_turn', stop_sequence: null }, usage }), ev('message_stop', {})];
        }
        const chunk = eventObject(e);
        if (!chunk) return [];
        if (isObject(chunk.error)) return [ev('error', { error: { type: 'api_error', message: `the provider ended the stream: ${String(chunk.error.message).slice(0, 500)}` } })];
        // Azure OpenAI opens a stream with its prompt-filter chunk (no choices, empty id and model): the message starts at the first real chunk.
        if (!started && !(Array.isArray(chunk.choices) && chunk.choices.length) && !isObject(chunk.usage)) return [];
        const out: SseEvent[] = [];
        if (!started) {
          started = true;
          const id = `msg_${typeof chunk.id === 'string' ? chunk.id : 'openai'}`;
          out.push(ev('message_start', { message: { id, type: 'message', role: 'assistant', model: typeof chunk.model === 'string' ? chunk.model : model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } }));
        }
        if (isObject(chunk.usage)) usage = { input_tokens: count(chunk.usage.prompt_tokens), output_tokens: count(chunk.usage.completion_tokens) };
        const choice = Array.isArray(chunk.choices) && isObject(chunk.choices[0]) ? chunk.choices[0] : null;
        const delta = choice && isObject(choice.delta) ? choice.delta : {};
        if (typeof delta.reasoning_content === 'string' && delta.reasoning_content) {
          if (open?.kind !== 'thinking') out.push(...openBlock('thinking', { type: 'thinking', thinking: '', signature: '' }));
          out.push(ev('content_block_delta', { index: open!.index, delta: { type: 'thinking_delta', thinking: delta.reasoning_content } }));
        }
        if (typeof delta.content === 'string' && delta.content) {
          if (open?.kind !== 'text') out.push(...openBlock('text', { type: 'text', text: '' }));
          out.push(ev('content_block_delta', { index: open!.index, delta: { type: 'text_delta', text: delta.content } }));
        }
        for (const [j, c] of (Array.isArray(delta.tool_calls) ? delta.tool_calls : []).entries()) {
          if (!isObject(c)) continue;
          const call = typeof c.index === 'number' ? c.index : j;
          const f = isObject(c.function) ? c.function : {};
          if (open?.kind !== call) out.push(...openBlock(call, { type: 'tool_use', id: String(c.id), name: String(f.name), input: {} }));
          if (typeof f.arguments === 'string' && f.arguments) out.push(ev('content_block_delta', { index: open!.index, delta: { type: 'input_json_delta', partial_json: f.arguments } }));
        }
        if (choice && typeof choice.finish_reason === 'string') {
          stop = stopReason(choice.finish_reason);
          out.push(...closeBlock());
        }
        return out;
      };
    },

    error(status, text) {
      return { status, text: JSON.stringify(errorAnswerFor(status, 'failed', 'anthropic', providerErrorMessage(text, `the provider answered ${status}`)).body) };
    },
  };
}

function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || !content.every((b) => isObject(b) && b.type === 'text' && typeof b.text === 'string')) return null;
  return content.map((b) => (b as Json).text as string).join('\n');
}

/** A user turn: its tool results first, each as a tool message (OpenAI wants them right after the calls), then the rest as one user message. */
function userMessages(content: unknown): Json[] | string {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (!Array.isArray(content)) return ' must be a string or an array of blocks';
  const tools: Json[] = [];
  const parts: Json[] = [];
  for (const [j, b] of content.entries()) {
    if (!isObject(b)) return `[${j}] must be an object`;
    if (b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image' && isObject(b.source)) {
      const s = b.source;
      if (s.type === 'base64' && typeof s.media_type === 'string' && typeof s.data === 'string') parts.push({ type: 'image_url', image_url: { url: `data:${s.media_type};base64,${s.data}` } });
      else if (s.type === 'url' && typeof s.url === 'string') parts.push({ type: 'image_url', image_url: { url: s.url } });
      else return `[${j}].source must be base64 or url for OpenAI-shaped models`;
    } else if (b.type === 'tool_result' && typeof b.tool_use_id === 'string') {
      if (b.is_error === true) return `[${j}].is_error ${NOT_SUPPORTED}`;
      const text = b.content === undefined ? '' : textOf(b.content);
      if (text === null) return `[${j}].content: only text tool results are supported for OpenAI-shaped models`;
      tools.push({ role: 'tool', tool_call_id: b.tool_use_id, content: text });
    } else return `[${j}] of type \`${String(b.type).slice(0, 20)}\` ${NOT_SUPPORTED} in a user turn`;
  }
  return [...tools, ...(parts.length ? [{ role: 'user', content: parts }] : [])];
}

function assistantMessage(content: unknown): Json[] | string {
  if (typeof content === 'string') return [{ role: 'assistant', content }];
  if (!Array.isArray(content)) return ' must be a string or an array of blocks';
  const text: string[] = [];
  const calls: Json[] = [];
  for (const [j, b] of content.entries()) {
    if (isObject(b) && b.type === 'text' && typeof b.text === 'string') text.push(b.text);
    else if (isObject(b) && b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string') {
      calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
    } else return `[${j}] of type \`${String(isObject(b) ? b.type : typeof b).slice(0, 20)}\` ${NOT_SUPPORTED} in an assistant turn`;
  }
  return [{ role: 'assistant', content: text.length ? text.join('') : null, ...(calls.length ? { tool_calls: calls } : {}) }];
}

/** Anthropic's tool_use input is an object; arguments that are not a JSON object make the answer untranslatable (a 502, never a guess). */
function inputOf(args: unknown): Json {
  const input: unknown = JSON.parse(typeof args === 'string' && args ? args : '{}');
  if (!isObject(input)) throw new Error('a tool call whose arguments are not a JSON object');
  return input;
}

function stopReason(reason: unknown): string {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Only a real token count (usage-counts.ts); anything else is 0. */
const count = (v: unknown): number => tokenCount(v) ?? 0;
