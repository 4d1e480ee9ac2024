// POST /v1/embeddings: one deterministic unit vector per input, as floats or base64 float32.
import { toBase64, unitVector } from './embedding-vector.js';
import { errorReply } from './errors.js';
import type { JsonBody, Route } from './route.js';
import { estimateTokens } from './tokens.js';

const DEFAULT_DIMENSIONS = 1536;
const LARGE_DIMENSIONS = 3072;

export const embeddings: Route = {
  dialect: 'openai',
  directiveText: (body) => inputsOf(body).at(-1) ?? '',
  reply(body) {
    if (typeof body.model !== 'string') return errorReply('openai', 400, 'you must provide a model parameter', 'model');
    const inputs = inputsOf(body);
    if (inputs.length === 0) return errorReply('openai', 400, "'input' must be a non-empty string or array.", 'input');
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') return errorReply('openai', 400, `Invalid encoding_format: ${JSON.stringify(format)}.`, 'encoding_format');
    const dimensions = Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : /large/.test(body.model) ? LARGE_DIMENSIONS : DEFAULT_DIMENSIONS;
    const tokens = inputs.reduce((sum, text) => sum + Math.max(1, estimateTokens(text)), 0);
    return {
      kind: 'json',
      status: 200,
      body: {
        object: 'list',
        data: inputs.map((text, index) => {
          const v = unitVector(text, dimensions);
          return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(v) : Array.from(v) };
        }),
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
    };
  },
};

/** Strings, or token-id arrays (embedded by their JSON text). */
function inputsOf(body: JsonBody): string[] {
  const input = body.input;
  if (typeof input === 'string') return input === '' ? [] : [input];
  if (!Array.isArray(input) || input.length === 0) return [];
  if (input.every((x) => typeof x === 'number')) return [JSON.stringify(input)];
  return input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}
