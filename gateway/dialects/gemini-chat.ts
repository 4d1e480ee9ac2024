// OpenAI chat completions ⇄ the Gemini API's generateContent / streamGenerateContent (alt=sse). Text,
// system and developer messages, images as data: URIs, sampling settings, stop sequences and JSON output
// are carried; what has no faithful counterpart here (tools, several choices, logprobs, audio) is refused
// with a 400 naming the field rather than silently dropped. Pure: no I/O.
import { errorAnswerFor } from '../core/errors.js';
import { isObject } from './json-object.js';
import { parseDataUrl } from './data-url.js';
import { providerErrorMessage } from './provider-error.js';
import { usageFromCounts } from './usage-counts.js';
import { eventObject } from './sse.js';
import type { ProviderTranslation, SseEvent } from './types.js';

type Json = Record<string, unknown>;

/** Fields that change what the caller gets and that this translation cannot carry. */
const REFUSED = ['tools', 'functions', 'tool_choice', 'function_call', 'logprobs', 'top_logprobs', 'audio', 'modalities', 'prediction', 'logit_bias'];

export const geminiChat: ProviderTranslation = {
  path: (model, stream) => `/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,

  request(body) {
    for (const field of REFUSED) if (body[field] !== undefined && body[field] !== null) return `\`${field}\` is not supported for Gemini models through termsgate`;
    if (typeof body.n === 'number' && body.n !== 1) return '`n` other than 1 is not supported for Gemini models through termsgate';
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const system: string[] = [];
    const contents: Json[] = [];
    for (const [i, m] of messages.entries()) {
      if (!isObject(m)) return `messages[${i}] must be an object`;
      if (m.role === 'system' || m.role === 'developer') {
        const text = textOf(m.content);
        if (typeof text !== 'string') return `messages[${i}].content: ${text.error}`;
        system.push(text);
        continue;
      }
      if (m.role !== 'user' && m.role !== 'assistant') return `messages[${i}].role \`${String(m.role).slice(0, 20)}\` is not supported for Gemini models through termsgate`;
      const parts = partsOf(m.content);
      if (!Array.isArray(parts)) return `messages[${i}].content: ${parts.error}`;
      contents.push({ role: m.role === 'assistant' ? 'model' : 'user', parts });
    }
    const config: Json = {};
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    if (typeof maxTokens === 'number') config.maxOutputTokens = maxTokens;
    if (typeof body.temperature === 'number') config.temperature = body.temperature;
    if (typeof body.top_p === 'number') config.topP = body.top_p;
    if (typeof body.seed === 'number') config.seed = body.seed;
    if (typeof body.presence_penalty === 'number') config.presencePenalty = body.presence_penalty;
    if (typeof body.frequency_penalty === 'number') config.frequencyPenalty = body.frequency_penalty;
    if (typeof body.stop === 'string') config.stopSequences = [body.stop];
    else if (Array.isArray(body.stop)) config.stopSequences = body.stop;
    const format = isObject(body.response_format) ? body.response_format : null;
    if (format?.type === 'json_object') config.responseMimeType = 'application/json';
    if (format?.type === 'json_schema' && isObject(format.json_schema)) {
      config.responseMimeType = 'application/json';
      config.responseJsonSchema = format.json_schema.schema;
    }
    return {
      ...(system.length ? { systemInstruction: { parts: [{ text: system.join('\n\n') }] } } : {}),
      contents,
      ...(Object.keys(config).length ? { generationConfig: config } : {}),
    };
  },

  response(json, model) {
    const candidate = firstCandidate(json);
    const text = candidate ? candidateText(candidate) : '';
    return {
      id: `chatcmpl-${typeof json.responseId === 'string' ? json.responseId : 'gemini'}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: typeof json.modelVersion === 'string' ? json.modelVersion : model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finishReason(candidate, json) }],
      ...(isObject(json.usageMetadata) ? { usage: usageOf(json.usageMetadata) } : {}),
    };
  },

  streamEvents(model) {
    let first = true;
    let id = 'chatcmpl-gemini';
    return (ev: SseEvent): SseEvent[] => {
      const json = eventObject(ev);
      if (!json) return [];
      if (first && typeof json.responseId === 'string') id = `chatcmpl-${json.responseId}`;
      const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: typeof json.modelVersion === 'string' ? json.modelVersion : model };
      const candidate = firstCandidate(json);
      const out: SseEvent[] = [];
      const text = candidate ? candidateText(candidate) : '';
      if (text || first) {
        out.push(chunk({ ...base, choices: [{ index: 0, delta: { ...(first ? { role: 'assistant' } : {}), content: text }, logprobs: null, finish_reason: null }] }));
        first = false;
      }
      // Gemini marks its last event with a finish reason (or a blocked prompt) and sends no [DONE].
      const done = (candidate && typeof candidate.finishReason === 'string') || (isObject(json.promptFeedback) && json.promptFeedback.blockReason !== undefined);
      if (done) {
        out.push(chunk({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason(candidate, json) }] }));
        if (isObject(json.usageMetadata)) out.push(chunk({ ...base, choices: [], usage: usageOf(json.usageMetadata) }));
        out.push({ data: '[DONE]' });
      }
      return out;
    };
  },

  error(status, text) {
    const message = providerErrorMessage(text, `the Gemini API answered ${status}`);
    // The Gemini API answers a bad API key with 400 INVALID_ARGUMENT; it is the gateway's credential, not the caller's request.
    const own = status === 400 && /API key not valid|API_KEY_INVALID/.test(text);
    const mapped = own ? 401 : status;
    return { status: mapped, text: JSON.stringify(errorAnswerFor(mapped, 'failed', 'openai', message).body) };
  },
};

const chunk = (data: Json): SseEvent => ({ data: JSON.stringify(data) });

function textOf(content: unknown): string | { error: string } {
  if (typeof content === 'string') return content;
  const parts = partsOf(content);
  if (!Array.isArray(parts)) return parts;
  if (parts.some((p) => typeof p.text !== 'string')) return { error: 'only text parts are supported here' };
  return parts.map((p) => p.text as string).join('\n');
}

function partsOf(content: unknown): Json[] | { error: string } {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) return { error: 'must be a string or an array of content parts' };
  const parts: Json[] = [];
  for (const part of content) {
    if (!isObject(part)) return { error: 'each content part must be an object' };
    if (part.type === 'text' && typeof part.text === 'string') parts.push({ text: part.text });
    else if (part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
      const image = parseDataUrl(part.image_url.url);
      if (!image) return { error: 'images must be data: URIs (base64) for Gemini models through termsgate' };
      parts.push({ inlineData: { mimeType: image.mediaType, data: image.data } });
    } else return { error: `content part type \`${String(part.type).slice(0, 20)}\` is not supported for Gemini models through termsgate` };
  }
  return parts;
}

function firstCandidate(json: Json): Json | null {
  const candidates = Array.isArray(json.candidates) ? json.candidates : [];
  return isObject(candidates[0]) ? candidates[0] : null;
}

/** The text parts of a candidate, without thought summaries (`thought: true`). */
function candidateText(candidate: Json): string {
  const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  return parts.map((p) => (isObject(p) && typeof p.text === 'string' && p.thought !== true ? p.text : '')).join('');
}

function finishReason(candidate: Json | null, json: Json): string {
  if (!candidate && isObject(json.promptFeedback) && json.promptFeedback.blockReason !== undefined) return 'content_filter';
  switch (candidate?.finishReason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Thought tokens are output the caller pays for, so they count as completion tokens. */
function usageOf(u: Json) {
  const completion = (typeof u.candidatesTokenCount === 'number' ? u.candidatesTokenCount : 0) + (typeof u.thoughtsTokenCount === 'number' ? u.thoughtsTokenCount : 0);
  return usageFromCounts(u.promptTokenCount, completion, u.totalTokenCount);
}
