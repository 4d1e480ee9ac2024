// OpenAI chat completions ⇄ Amazon Bedrock's Converse and ConverseStream APIs. Text, system and developer
// messages, sampling settings and stop sequences are carried; what has no faithful counterpart here
// (tools, images, several choices, logprobs, JSON mode) is refused with a 400 naming the field. The stream
// arrives as AWS's binary event stream, which the upstream client re-frames as SSE (its events named by
// :event-type). Pure: no I/O.
import { errorAnswerFor } from '../core/errors.js';
import { isObject } from './json-object.js';
import { providerErrorMessage } from './provider-error.js';
import { usageFromCounts } from './usage-counts.js';
import { eventObject } from './sse.js';
import type { ProviderTranslation, SseEvent } from './types.js';

type Json = Record<string, unknown>;

const REFUSED = ['tools', 'functions', 'tool_choice', 'function_call', 'logprobs', 'top_logprobs', 'audio', 'modalities', 'prediction', 'logit_bias', 'response_format'];

export const bedrockChat: ProviderTranslation = {
  path: (model, stream) => `/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`,

  request(body) {
    for (const field of REFUSED) if (body[field] !== undefined && body[field] !== null) return `\`${field}\` is not supported for Bedrock models through termsgate`;
    if (typeof body.n === 'number' && body.n !== 1) return '`n` other than 1 is not supported for Bedrock models through termsgate';
    const system: Json[] = [];
    const messages: Json[] = [];
    for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
      if (!isObject(m)) return `messages[${i}] must be an object`;
      const text = textOf(m.content);
      if (typeof text !== 'string') return `messages[${i}].content: ${text.error}`;
      if (m.role === 'system' || m.role === 'developer') system.push({ text });
      else if (m.role === 'user' || m.role === 'assistant') messages.push({ role: m.role, content: [{ text }] });
      else return `messages[${i}].role \`${String(m.role).slice(0, 20)}\` is not supported for Bedrock models through termsgate`;
    }
    const config: Json = {};
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    if (typeof maxTokens === 'number') config.maxTokens = maxTokens;
    if (typeof body.temperature === 'number') config.temperature = body.temperature;
    if (typeof body.top_p === 'number') config.topP = body.top_p;
    if (typeof body.stop === 'string') config.stopSequences = [body.stop];
    else if (Array.isArray(body.stop)) config.stopSequences = body.stop;
    return { messages, ...(system.length ? { system } : {}), ...(Object.keys(config).length ? { inferenceConfig: config } : {}) };
  },

  response(json, model) {
    const message = isObject(json.output) && isObject(json.output.message) ? json.output.message : {};
    const content = Array.isArray(message.content) ? message.content : [];
    const text = content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join('');
    return {
      id: `chatcmpl-bedrock-${Date.now().toString(36)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finishReason(json.stopReason) }],
      ...(isObject(json.usage) ? { usage: usageOf(json.usage) } : {}),
    };
  },

  streamEvents(model) {
    const id = `chatcmpl-bedrock-${Date.now().toString(36)}`;
    const base = () => ({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model });
    const chunk = (data: Json): SseEvent => ({ data: JSON.stringify({ ...base(), ...data }) });
    return (ev: SseEvent): SseEvent[] => {
      const json = eventObject(ev);
      if (!json) return [];
      switch (ev.event) {
        case 'messageStart':
          return [chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })];
        case 'contentBlockDelta': {
          const text = isObject(json.delta) && typeof json.delta.text === 'string' ? json.delta.text : '';
          return text ? [chunk({ choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }] })] : [];
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

function textOf(content: unknown): string | { error: string } {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return { error: 'must be a string or an array of text parts' };
  const parts: string[] = [];
  for (const part of content) {
    if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') return { error: 'only text parts are supported for Bedrock models through termsgate' };
    parts.push(part.text);
  }
  return parts.join('\n');
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
