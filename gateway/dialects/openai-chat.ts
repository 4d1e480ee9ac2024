// OpenAI POST /v1/chat/completions. Marks `message.content` / `delta.content` only: never tool-call
// arguments, never JSON-mode or schema-constrained output.
import type { OutputMarker } from '../pipeline/contracts.js';
import { collectText, isObject } from './content-text.js';
import type { CollectedOutput, EndpointAdapter, ParsedRequest, SseEvent, StreamTransformer } from './types.js';
import { openaiUsage, requireModel } from './openai-common.js';

export const openaiChat: EndpointAdapter = {
  endpoint: 'chat.completions',
  dialect: 'openai',
  path: '/v1/chat/completions',
  // Anthropic serves an OpenAI-compatible chat endpoint too, so every provider kind accepts it.
  accepts: () => true,

  parse(body): ParsedRequest | string {
    const model = requireModel(body);
    if (typeof model !== 'string') return model.error;
    const b = body as Record<string, unknown>;
    if (!Array.isArray(b.messages) || b.messages.length === 0) return '`messages` must be a non-empty array';
    const texts: string[] = [];
    collectText(b.messages, texts);
    const format = isObject(b.response_format) ? b.response_format.type : undefined;
    return {
      model,
      stream: b.stream === true,
      texts,
      prompt: b.messages,
      structured: format === 'json_object' || format === 'json_schema',
    };
  },

  upstreamBody(body, upstreamModel) {
    const out: Record<string, unknown> = { ...body, model: upstreamModel };
    // Usage is needed for the record even when the caller did not ask for it; the extra chunk is dropped again.
    if (body.stream === true) out.stream_options = { ...(isObject(body.stream_options) ? body.stream_options : {}), include_usage: true };
    return out;
  },

  transformJson(json, marker, out) {
    const choices = Array.isArray(json.choices) ? json.choices : [];
    for (const choice of choices) {
      if (!isObject(choice) || !isObject(choice.message)) continue;
      const content = choice.message.content;
      if (typeof content !== 'string') continue;
      if (choice.index === 0 || choices.length === 1) {
        out.text = content;
        if (isObject(choice.logprobs) && Array.isArray(choice.logprobs.content)) out.topLogprobs = choice.logprobs.content;
      }
      if (marker) choice.message.content = marker.markText(content);
    }
    out.usage = openaiUsage(json.usage);
  },

  streamTransformer(marker, out, body): StreamTransformer {
    const callerWantsUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
    const streams = new Map<number, ReturnType<OutputMarker['stream']>>();
    const logprobs: unknown[] = [];
    let last: Record<string, unknown> | null = null;

    const held = (index: number): string => streams.get(index)?.flush() ?? '';
    const heldChunk = (template: Record<string, unknown>, index: number, content: string): SseEvent => ({
      data: JSON.stringify({ ...template, usage: undefined, choices: [{ index, delta: { content }, logprobs: null, finish_reason: null }] }),
    });

    return {
      event(ev) {
        if (ev.data === '[DONE]') return [...this.end(), ev];
        let chunk: Record<string, unknown>;
        try {
          chunk = JSON.parse(ev.data) as Record<string, unknown>;
        } catch {
          return [ev];
        }
        last = chunk;
        const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
        if (chunk.usage) out.usage = openaiUsage(chunk.usage);
        if (choices.length === 0 && chunk.usage && !callerWantsUsage) return [];
        const before: SseEvent[] = [];
        let changed = false;
        for (const choice of choices) {
          if (!isObject(choice)) continue;
          const index = typeof choice.index === 'number' ? choice.index : 0;
          const delta = isObject(choice.delta) ? choice.delta : null;
          if (index === 0 && isObject(choice.logprobs) && Array.isArray(choice.logprobs.content)) logprobs.push(...choice.logprobs.content);
          if (delta && typeof delta.content === 'string') {
            if (index === 0) out.text += delta.content;
            if (marker) {
              let s = streams.get(index);
              if (!s) streams.set(index, (s = marker.stream()));
              delta.content = s.push(delta.content);
              changed = true;
            }
          }
          if (marker && choice.finish_reason != null) {
            const rest = held(index);
            if (rest) before.push(heldChunk(chunk, index, rest));
          }
        }
        if (!callerWantsUsage && 'usage' in chunk) {
          delete chunk.usage;
          changed = true;
        }
        if (logprobs.length > 0) out.topLogprobs = logprobs;
        return [...before, changed ? { data: JSON.stringify(chunk) } : ev];
      },
      end() {
        const events: SseEvent[] = [];
        for (const index of streams.keys()) {
          const rest = held(index);
          if (rest && last) events.push(heldChunk(last, index, rest));
        }
        return events;
      },
    };
  },
};
