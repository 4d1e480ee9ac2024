// OpenAI POST /v1/responses. Text sits in `output[].content[]` parts of type `output_text`; a stream
// repeats it in the `.done` and `response.completed` events, which are marked whole (markText of the
// full text equals the concatenated streamed marks), and deltas are marked as they pass.
import type { OutputMarker } from '../core/contracts.js';
import { isObject } from './json-object.js';
import { openaiOnlyEndpoint, openaiUsage, requireModel } from './openai-common.js';
import { emptyOutput, ProviderAnswerError, type CollectedOutput, type EndpointAdapter, type ParsedRequest, type SseEvent } from './types.js';
import { errorType, objectArray, textOrNull } from './answer-shape.js';
import { eventObject } from './sse.js';
import { streamFlag } from './stream-flag.js';

function markOutput(output: unknown, marker: OutputMarker | null, out: CollectedOutput | null): void {
  let first = true;
  for (const item of objectArray(output, 'output')) {
    if (out && item.type === 'function_call' && typeof item.arguments === 'string') out.toolArguments.push(item.arguments);
    if (item.type !== 'message') continue;
    for (const part of objectArray(item.content, 'content')) {
      if (part.type !== 'output_text') continue;
      const text = textOrNull(part.text, 'text') ?? '';
      if (out && first) out.text = text;
      first = false;
      if (marker) part.text = marker.markText(text);
    }
  }
}

export const openaiResponses: EndpointAdapter = {
  // Azure serves the Responses API outside its deployment URLs; not reached through termsgate yet.
  ...openaiOnlyEndpoint('responses', '/v1/responses', ['azure-openai']),

  parse(body): ParsedRequest | string {
    const model = requireModel(body);
    if (typeof model !== 'string') return model.error;
    const b = body as Record<string, unknown>;
    if (typeof b.input !== 'string' && !Array.isArray(b.input)) return '`input` must be a string or an array';
    const format = isObject(b.text) && isObject(b.text.format) ? b.text.format.type : undefined;
    const prompt = typeof b.input === 'string' ? [{ role: 'user', content: b.input }] : b.input;
    const stream = streamFlag(b);
    if (typeof stream === 'string') return stream;
    return {
      model,
      stream,
      prompt: typeof b.instructions === 'string' ? [{ role: 'system', content: b.instructions }, ...prompt] : prompt,
      structured: format === 'json_object' || format === 'json_schema',
    };
  },

  upstreamBody: (body, upstreamModel) => ({ ...body, model: upstreamModel }),

  transformJson(json, marker, out) {
    markOutput(json.output, marker, out);
    out.usage = openaiUsage(json.usage);
  },

  streamTransformer(marker, out) {
    const streams = new Map<string, ReturnType<OutputMarker['stream']>>();
    let firstKey: string | null = null;
    const emit = (ev: SseEvent, e: Record<string, unknown>, changed: boolean): SseEvent => (changed ? { event: ev.event, data: JSON.stringify(e) } : ev);
    return {
      event(ev) {
        const e = eventObject(ev);
        if (!e) return [ev];
        const key = `${e.output_index}:${e.content_index}`;
        switch (e.type) {
          case 'response.output_text.delta': {
            const delta = textOrNull(e.delta, 'delta');
            if (delta === null) return [emit(ev, e, false)];
            firstKey ??= key;
            if (key === firstKey) out.text += delta;
            if (!marker) return [emit(ev, e, false)];
            let s = streams.get(key);
            if (!s) streams.set(key, (s = marker.stream()));
            const marked = s.push(delta);
            const changed = marked !== delta;
            e.delta = marked;
            return [emit(ev, e, changed)];
          }
          case 'response.output_text.done': {
            if (marker && typeof e.text === 'string') e.text = marker.markText(e.text);
            return [emit(ev, e, marker !== null)];
          }
          case 'response.content_part.done': {
            if (marker && isObject(e.part) && e.part.type === 'output_text' && typeof e.part.text === 'string') e.part.text = marker.markText(e.part.text);
            return [emit(ev, e, marker !== null)];
          }
          case 'response.output_item.done': {
            if (isObject(e.item)) markOutput([e.item], marker, null);
            return [emit(ev, e, marker !== null)];
          }
          case 'response.function_call_arguments.done': {
            if (typeof e.arguments === 'string') out.toolArguments.push(e.arguments);
            return [emit(ev, e, false)];
          }
          // The end of the answer: whole, or stopped by the provider's own limit (max_output_tokens).
          case 'response.completed':
          case 'response.incomplete': {
            out.complete = true;
            if (!isObject(e.response)) throw new ProviderAnswerError(`the provider's ${e.type} event has no response`);
            out.usage = openaiUsage(e.response.usage);
            // The SDKs' final response is this event's: its text must be the deltas' (or, with no deltas, is the text).
            const final = emptyOutput();
            markOutput(e.response.output, marker, final);
            if (firstKey === null) {
              out.text = final.text;
              if (out.toolArguments.length === 0) out.toolArguments = final.toolArguments;
            } else if (final.text !== out.text) throw new ProviderAnswerError(`the text of the provider's ${e.type} event is not the text its deltas streamed`);
            return [emit(ev, e, marker !== null)];
          }
          case 'error':
          case 'response.failed':
            out.providerError = e.type === 'error' ? errorType({ type: e.code }) : errorType(isObject(e.response) ? e.response.error : null);
            return [emit(ev, e, false)];
          default:
            return [emit(ev, e, false)];
        }
      },
    };
  },
};
