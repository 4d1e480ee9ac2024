// OpenAI chat completions ⇄ Amazon Bedrock's Converse and ConverseStream APIs. The request is built by
// bedrock-request.ts (text, system, images, tools, tool calls and results, sampling settings; everything else a
// 400 naming the field); this carries the answer back: text, reasoning, `toolUse` blocks as tool calls, stop
// reasons and usage, and the stream event by event (`contentBlockStart.start.toolUse` opens a tool call, its
// `contentBlockDelta.delta.toolUse.input` fragments are the arguments). The stream arrives as AWS's binary event
// stream, which the upstream client re-frames as SSE (its events named by :event-type). Pure: no I/O.
import { errorAnswerFor } from '../core/errors.js';
import { converseRequest } from './bedrock-request.js';
import { isObject } from './json-object.js';
import { providerErrorMessage } from './provider-error.js';
import { usageFromCounts } from './usage-counts.js';
import { eventObject } from './sse.js';
import type { ProviderTranslation, SseEvent } from './types.js';

type Json = Record<string, unknown>;

export const bedrockChat: ProviderTranslation = {
  path: (model, stream) => `/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`,

  request: converseRequest,

  response(json, model) {
    const message = isObject(json.output) && isObject(json.output.message) ? json.output.message : {};
    const content = Array.isArray(message.content) ? message.content : [];
    const text = content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join('');
    const toolCalls = content.flatMap((c) =>
      isObject(c) && isObject(c.toolUse) ? [{ id: String(c.toolUse.toolUseId), type: 'function', function: { name: String(c.toolUse.name), arguments: JSON.stringify(c.toolUse.input ?? {}) } }] : [],
    );
    const reasoning = content.map((c) => (isObject(c) && isObject(c.reasoningContent) ? reasoningText(c.reasoningContent) : '')).join('');
    const answer: Json = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null, refusal: null };
    if (reasoning) answer.reasoning_content = reasoning;
    if (toolCalls.length) answer.tool_calls = toolCalls;
    return {
      id: `chatcmpl-bedrock-${Date.now().toString(36)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: answer, logprobs: null, finish_reason: finishReason(json.stopReason) }],
      ...(isObject(json.usage) ? { usage: usageOf(json.usage) } : {}),
    };
  },

  streamEvents(model) {
    const id = `chatcmpl-bedrock-${Date.now().toString(36)}`;
    const base = () => ({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model });
    const chunk = (data: Json): SseEvent => ({ data: JSON.stringify({ ...base(), ...data }) });
    const delta = (d: Json): SseEvent => chunk({ choices: [{ index: 0, delta: d, logprobs: null, finish_reason: null }] });
    /** Bedrock's contentBlockIndex of a toolUse block → its OpenAI tool-call index. */
    const tools = new Map<number, number>();
    return (ev: SseEvent): SseEvent[] => {
      const json = eventObject(ev);
      if (!json) return [];
      const block = typeof json.contentBlockIndex === 'number' ? json.contentBlockIndex : 0;
      switch (ev.event) {
        case 'messageStart':
          return [delta({ role: 'assistant', content: '' })];
        case 'contentBlockStart': {
          const use = isObject(json.start) && isObject(json.start.toolUse) ? json.start.toolUse : null;
          if (!use) return [];
          const call = tools.size;
          tools.set(block, call);
          return [delta({ tool_calls: [{ index: call, id: String(use.toolUseId), type: 'function', function: { name: String(use.name), arguments: '' } }] })];
        }
        case 'contentBlockDelta': {
          const d = isObject(json.delta) ? json.delta : {};
          if (typeof d.text === 'string') return d.text ? [delta({ content: d.text })] : [];
          if (isObject(d.reasoningContent)) return typeof d.reasoningContent.text === 'string' && d.reasoningContent.text ? [delta({ reasoning_content: d.reasoningContent.text })] : [];
          const input = isObject(d.toolUse) && typeof d.toolUse.input === 'string' ? d.toolUse.input : '';
          return input && tools.has(block) ? [delta({ tool_calls: [{ index: tools.get(block), function: { arguments: input } }] })] : [];
        }
        case 'messageStop':
          return [chunk({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason(json.stopReason) }] })];
        // Bedrock's last event carries the usage; the stream ends after it.
        case 'metadata':
          return [...(isObject(json.usage) ? [chunk({ choices: [], usage: usageOf(json.usage) })] : []), { data: '[DONE]' }];
        case 'exception':
          return [{ data: JSON.stringify(errorAnswerFor(502, 'failed', 'openai', `Bedrock ended the stream: ${String(json.exception)}: ${String(json.message).slice(0, 500)}`).body) }];
        default:
          return [];
      }
    };
  },

  error(status, text) {
    return { status, text: JSON.stringify(errorAnswerFor(status, 'failed', 'openai', providerErrorMessage(text, `Bedrock answered ${status}`)).body) };
  },
};

/** A reasoning block's text (DeepSeek-R1, Claude's extended thinking on Bedrock), carried as `reasoning_content` and marked like text; redacted reasoning has none. */
function reasoningText(block: Json): string {
  return isObject(block.reasoningText) && typeof block.reasoningText.text === 'string' ? block.reasoningText.text : '';
}

function finishReason(reason: unknown): string {
  switch (reason) {
    case 'max_tokens':
      return 'length';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    case 'tool_use':
      return 'tool_calls';
    default:
      return 'stop';
  }
}

function usageOf(u: Json) {
  return usageFromCounts(u.inputTokens, u.outputTokens, u.totalTokens);
}
