// Anthropic POST /v1/messages/count_tokens, forwarded to Anthropic-kind providers only. Other kinds answer a
// 400 naming their kind rather than an estimate: a caller counts to fit a context window, and a count from
// another tokenizer would mislead it. Policy sees it as a messages call (the same content reaches the same
// provider); the answer is a count, with nothing to mark, feed or bill.
import { anthropicMessages } from './anthropic-messages.js';
import { isObject } from './json-object.js';
import type { EndpointAdapter, ParsedRequest } from './types.js';

export const anthropicCountTokens: EndpointAdapter = {
  endpoint: 'messages',
  dialect: 'anthropic',
  path: '/v1/messages/count_tokens',
  accepts: (kind) => kind === 'anthropic',
  streamError: anthropicMessages.streamError,

  parse(body): ParsedRequest | string {
    if (!isObject(body)) return 'the request body must be a JSON object';
    if (typeof body.model !== 'string' || body.model.length === 0) return 'model: Field required';
    if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: Field required';
    const prompt = body.system === undefined ? body.messages : [{ role: 'system', content: body.system }, ...body.messages];
    return { model: body.model, stream: false, prompt, structured: true };
  },

  upstreamBody: anthropicMessages.upstreamBody,
  // A count carries no output: nothing to mark or collect.
  transformJson() {},
  streamTransformer: () => ({ event: (ev) => [ev] }),
};
