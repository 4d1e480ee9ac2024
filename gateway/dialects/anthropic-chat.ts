// OpenAI chat completions ⇄ Anthropic's native Messages API. System and developer messages, text and image
// parts (data: URIs as base64, https URLs as url sources), tools, tool calls and tool results, sampling
// settings, stop sequences and the caller's user id are carried; every other field set to a value is
// refused with a 400 naming it rather than silently dropped. Pure: no I/O.
import { errorAnswerFor } from '../core/errors.js';
import { isObject } from './json-object.js';
import { toolCallInputs } from './tool-calls.js';
import { parseDataUrl } from './data-url.js';
import { providerErrorMessage } from './provider-error.js';
import { eventObject } from './sse.js';
import type { ProviderTranslation, SseEvent } from './types.js';
import { usageFromCounts } from './usage-counts.js';

type Json = Record<string, unknown>;

/** What the translation carries; `stream_options` is consumed (Anthropic always streams its usage). */
const CARRIED = new Set(['model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'user', 'n']);
/** Anthropic requires max_tokens; OpenAI callers may leave it out. */
export const DEFAULT_MAX_TOKENS = 4096;
const NOT_SUPPORTED = 'is not supported for Anthropic models through termsgate';

export const anthropicChat: ProviderTranslation = {
  path: () => '/v1/messages',

  request(body) {
    for (const [field, value] of Object.entries(body)) if (!CARRIED.has(field) && value !== undefined && value !== null) return `\`${field}\` ${NOT_SUPPORTED}`;
    if (typeof body.n === 'number' && body.n !== 1) return `\`n\` other than 1 ${NOT_SUPPORTED}`;
    const system: string[] = [];
    const messages: Json[] = [];
    for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
      if (!isObject(m)) return `messages[${i}] must be an object`;
      const turn = turnOf(m);
      if (typeof turn === 'string') return `messages[${i}]${turn}`;
      if ('system' in turn) {
        system.push(turn.system);
        continue;
      }
      const previous = messages.at(-1);
      // Anthropic wants the results of one assistant turn's tool calls together in the user turn after it.
      if (previous && previous.role === turn.role && Array.isArray(previous.content) && turn.role === 'user') previous.content = [...previous.content, ...turn.content];
      else messages.push(turn);
    }
    const out: Json = { model: body.model, messages, max_tokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS };
    if (system.length) out.system = system.join('\n\n');
    if (typeof body.temperature === 'number') out.temperature = body.temperature;
    if (typeof body.top_p === 'number') out.top_p = body.top_p;
    if (typeof body.stop === 'string') out.stop_sequences = [body.stop];
    else if (Array.isArray(body.stop)) out.stop_sequences = body.stop;
    if (body.stream === true) out.stream = true;
    if (typeof body.user === 'string') out.metadata = { user_id: body.user };
    if (Array.isArray(body.tools)) {
      const tools: Json[] = [];
      for (const [i, t] of body.tools.entries()) {
        if (!isObject(t) || t.type !== 'function' || !isObject(t.function) || typeof t.function.name !== 'string') return `tools[${i}] must be a function tool with a name`;
        const f = t.function;
        tools.push({ name: f.name, ...(typeof f.description === 'string' ? { description: f.description } : {}), input_schema: isObject(f.parameters) ? f.parameters : { type: 'object', properties: {} } });
      }
      out.tools = tools;
    }
    const choice = toolChoiceOf(body.tool_choice, body.parallel_tool_calls);
    if (typeof choice === 'string') return choice;
    if (choice) out.tool_choice = choice;
    return out;
  },

  response(json, model) {
    const content = Array.isArray(json.content) ? json.content : [];
    const text = content.map((b) => (isObject(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
    const thinking = content.map((b) => (isObject(b) && b.type === 'thinking' && typeof b.thinking === 'string' ? b.thinking : '')).join('');
    const toolCalls = content.flatMap((b) =>
      isObject(b) && b.type === 'tool_use' ? [{ id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) } }] : [],
    );
    const message: Json = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null, refusal: null };
    if (thinking) message.reasoning_content = thinking;
    if (toolCalls.length) message.tool_calls = toolCalls;
    return {
      id: `chatcmpl-${typeof json.id === 'string' ? json.id : 'anthropic'}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: typeof json.model === 'string' ? json.model : model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(json.stop_reason) }],
      ...(isObject(json.usage) ? { usage: usageOf(json.usage) } : {}),
    };
  },

  streamEvents(model) {
    let id = 'chatcmpl-anthropic';
    let usage: Json = {};
    let finish: string | null = null;
    /** Anthropic's content block index → the OpenAI tool-call index of a tool_use block. */
    const tools = new Map<number, number>();
    const chunk = (delta: Json, finishReason: string | null = null): SseEvent => ({
      data: JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] }),
    });
    return (ev: SseEvent): SseEvent[] => {
      const e = eventObject(ev);
      if (!e) return [];
      const index = typeof e.index === 'number' ? e.index : 0;
      switch (e.type) {
        case 'message_start': {
          const m = isObject(e.message) ? e.message : {};
          if (typeof m.id === 'string') id = `chatcmpl-${m.id}`;
          if (typeof m.model === 'string') model = m.model;
          usage = isObject(m.usage) ? { ...m.usage } : {};
          return [chunk({ role: 'assistant', content: '' })];
        }
        case 'content_block_start': {
          const b = isObject(e.content_block) ? e.content_block : {};
          if (b.type !== 'tool_use') return [];
          const call = tools.size;
          tools.set(index, call);
          return [chunk({ tool_calls: [{ index: call, id: String(b.id), type: 'function', function: { name: String(b.name), arguments: '' } }] })];
        }
        case 'content_block_delta': {
          const d = isObject(e.delta) ? e.delta : {};
          if (d.type === 'text_delta' && typeof d.text === 'string') return [chunk({ content: d.text })];
          if (d.type === 'thinking_delta' && typeof d.thinking === 'string') return [chunk({ reasoning_content: d.thinking })];
          if (d.type === 'input_json_delta' && typeof d.partial_json === 'string' && tools.has(index)) {
            return d.partial_json ? [chunk({ tool_calls: [{ index: tools.get(index), function: { arguments: d.partial_json } }] })] : [];
          }
          return [];
        }
        case 'message_delta': {
          if (isObject(e.usage)) usage = { ...usage, ...e.usage };
          finish = finishReason(isObject(e.delta) ? e.delta.stop_reason : null);
          return [chunk({}, finish)];
        }
        // The caller's adapter drops the usage chunk when the caller did not ask for it.
        case 'message_stop':
          return [{ data: JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [], usage: usageOf(usage) }) }, { data: '[DONE]' }];
        case 'error': {
          const err = isObject(e.error) ? e.error : {};
          return [{ data: JSON.stringify(errorAnswerFor(502, 'failed', 'openai', `Anthropic ended the stream: ${String(err.type)}: ${String(err.message).slice(0, 500)}`).body) }];
        }
        default:
          return [];
      }
    };
  },

  error(status, text) {
    return { status, text: JSON.stringify(errorAnswerFor(status, 'failed', 'openai', providerErrorMessage(text, `Anthropic answered ${status}`)).body) };
  },
};

/** One OpenAI message as an Anthropic turn, a system text, or (a string) what is wrong with it, after its index. */
function turnOf(m: Json): { role: 'user' | 'assistant'; content: Json[] } | { system: string } | string {
  switch (m.role) {
    case 'system':
    case 'developer': {
      const blocks = blocksOf(m.content, false);
      if (typeof blocks === 'string') return blocks;
      return { system: blocks.map((b) => b.text as string).join('\n') };
    }
    case 'user': {
      const blocks = blocksOf(m.content, true);
      return typeof blocks === 'string' ? blocks : { role: 'user', content: blocks };
    }
    case 'assistant': {
      const blocks = m.content === null || m.content === undefined ? [] : blocksOf(m.content, false);
      if (typeof blocks === 'string') return blocks;
      const calls = toolCallInputs(m.tool_calls, 'Anthropic');
      if (typeof calls === 'string') return calls;
      for (const c of calls) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
      return { role: 'assistant', content: blocks };
    }
    case 'tool': {
      if (typeof m.tool_call_id !== 'string') return '.tool_call_id is required';
      const blocks = blocksOf(m.content, false);
      if (typeof blocks === 'string') return blocks;
      return { role: 'user', content: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: blocks }] };
    }
    default:
      return `.role \`${String(m.role).slice(0, 20)}\` ${NOT_SUPPORTED}`;
  }
}

/** OpenAI content (a string or parts) as Anthropic content blocks; images only where `images`. */
function blocksOf(content: unknown, images: boolean): Json[] | string {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return '.content must be a string or an array of content parts';
  const blocks: Json[] = [];
  for (const [j, part] of content.entries()) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') blocks.push({ type: 'text', text: part.text });
    else if (images && isObject(part) && part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
      const url = part.image_url.url;
      const image = parseDataUrl(url);
      if (image) blocks.push({ type: 'image', source: { type: 'base64', media_type: image.mediaType, data: image.data } });
      else if (/^https:\/\//.test(url)) blocks.push({ type: 'image', source: { type: 'url', url } });
      else return `.content[${j}].image_url.url must be a base64 data: URI or an https URL for Anthropic models`;
    } else return `.content[${j}] of type \`${String(isObject(part) ? part.type : typeof part).slice(0, 20)}\` ${NOT_SUPPORTED} here`;
  }
  return blocks;
}

function toolChoiceOf(choice: unknown, parallel: unknown): Json | null | string {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null) return parallel === false ? { type: 'auto', ...noParallel } : null;
  if (choice === 'auto') return { type: 'auto', ...noParallel };
  if (choice === 'required') return { type: 'any', ...noParallel };
  if (choice === 'none') return { type: 'none' };
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') return { type: 'tool', name: choice.function.name, ...noParallel };
  return '`tool_choice` must be auto, required, none or a named function';
}

function finishReason(reason: unknown): string {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Anthropic counts cached input apart from input_tokens; OpenAI's prompt_tokens include it. */
function usageOf(u: Json) {
  const read = typeof u.cache_read_input_tokens === 'number' ? u.cache_read_input_tokens : 0;
  const created = typeof u.cache_creation_input_tokens === 'number' ? u.cache_creation_input_tokens : 0;
  const input = (typeof u.input_tokens === 'number' ? u.input_tokens : 0) + read + created;
  return usageFromCounts(input, u.output_tokens, undefined, read);
}
