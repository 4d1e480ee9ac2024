// OpenAI legacy POST /v1/completions: text in `choices[].text`.
import type { OutputMarker } from '../pipeline/contracts.js';
import { collectText, isObject } from './content-text.js';
import { openaiUsage, requireModel } from './openai-common.js';
import type { EndpointAdapter, ParsedRequest, SseEvent } from './types.js';

export const openaiCompletions: EndpointAdapter = {
  endpoint: 'completions',
  dialect: 'openai',
  path: '/v1/completions',
  accepts: (kind) => kind !== 'anthropic',

  parse(body): ParsedRequest | string {
    const model = requireModel(body);
    if (typeof model !== 'string') return model.error;
    const b = body as Record<string, unknown>;
    if (typeof b.prompt !== 'string' && !Array.isArray(b.prompt)) return '`prompt` must be a string or an array';
    const texts: string[] = [];
    collectText(b.prompt, texts);
    return { model, stream: b.stream === true, texts, prompt: [b.prompt], structured: false };
  },

  upstreamBody(body, upstreamModel) {
    const out: Record<string, unknown> = { ...body, model: upstreamModel };
    if (body.stream === true) out.stream_options = { ...(isObject(body.stream_options) ? body.stream_options : {}), include_usage: true };
    return out;
  },

  transformJson(json, marker, out) {
    const choices = Array.isArray(json.choices) ? json.choices : [];
    for (const choice of choices) {
      if (!isObject(choice) || typeof choice.text !== 'string') continue;
      if ((choice.index ?? 0) === 0) out.text = choice.text;
      if (marker) choice.text = marker.markText(choice.text);
    }
    out.usage = openaiUsage(json.usage);
  },

  streamTransformer(marker, out, body) {
    const callerWantsUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
    const streams = new Map<number, ReturnType<OutputMarker['stream']>>();
    let last: Record<string, unknown> | null = null;
    const heldChunk = (template: Record<string, unknown>, index: number, text: string): SseEvent => ({
      data: JSON.stringify({ ...template, usage: undefined, choices: [{ index, text, logprobs: null, finish_reason: null }] }),
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
        if (chunk.usage) out.usage = openaiUsage(chunk.usage);
        const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
        if (choices.length === 0 && chunk.usage && !callerWantsUsage) return [];
        const before: SseEvent[] = [];
        for (const choice of choices) {
          if (!isObject(choice) || typeof choice.text !== 'string') continue;
          const index = typeof choice.index === 'number' ? choice.index : 0;
          if (index === 0) out.text += choice.text;
          if (!marker) continue;
          let s = streams.get(index);
          if (!s) streams.set(index, (s = marker.stream()));
          choice.text = s.push(choice.text);
          if (choice.finish_reason != null) {
            const rest = s.flush();
            if (rest) before.push(heldChunk(chunk, index, rest));
          }
        }
        if (!callerWantsUsage) delete chunk.usage;
        return [...before, { data: JSON.stringify(chunk) }];
      },
      end() {
        const events: SseEvent[] = [];
        for (const [index, s] of streams) {
          const rest = s.flush();
          if (rest && last) events.push(heldChunk(last, index, rest));
        }
        return events;
      },
    };
  },
};
