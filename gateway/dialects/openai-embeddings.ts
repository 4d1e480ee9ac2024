// OpenAI POST /v1/embeddings: vectors, nothing to mark; passed through as they are.
import { objectArray } from './answer-shape.js';
import { openaiOnlyEndpoint, openaiUsage, requireModel } from './openai-common.js';
import type { EndpointAdapter, ParsedRequest } from './types.js';

export const openaiEmbeddings: EndpointAdapter = {
  ...openaiOnlyEndpoint('embeddings', '/v1/embeddings'),

  parse(body): ParsedRequest | string {
    const model = requireModel(body);
    if (typeof model !== 'string') return model.error;
    const input = (body as Record<string, unknown>).input;
    if (input === undefined || input === null || input === '') return '`input` is required';
    return { model, stream: false, prompt: [], structured: true };
  },

  upstreamBody: (body, upstreamModel) => ({ ...body, model: upstreamModel }),

  transformJson(json, _marker, out) {
    objectArray(json.data, 'data');
    out.usage = openaiUsage(json.usage);
  },

  streamTransformer() {
    return { event: (ev) => [ev] };
  },
};
