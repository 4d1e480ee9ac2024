// OpenAI legacy POST /v1/completions: text in `choices[].text`.
import { openaiChoiceStream } from './openai-choice-stream.js';
import { answerChoices, textOrNull } from './answer-shape.js';
import { openaiOnlyEndpoint, openaiUsage, requireModel, withStreamUsage } from './openai-common.js';
import { ProviderAnswerError, type EndpointAdapter, type ParsedRequest } from './types.js';
import { streamFlag } from './stream-flag.js';

export const openaiCompletions: EndpointAdapter = {
  ...openaiOnlyEndpoint('completions', '/v1/completions'),

  parse(body): ParsedRequest | string {
    const model = requireModel(body);
    if (typeof model !== 'string') return model.error;
    const b = body as Record<string, unknown>;
    if (typeof b.prompt !== 'string' && !Array.isArray(b.prompt)) return '`prompt` must be a string or an array';
    const stream = streamFlag(b);
    if (typeof stream === 'string') return stream;
    return { model, stream, prompt: [b.prompt], structured: false };
  },

  upstreamBody: withStreamUsage,

  transformJson(json, marker, out) {
    for (const choice of answerChoices(json)) {
      if (typeof choice.text !== 'string') throw new ProviderAnswerError("a choice of the provider's answer has no text");
      if ((choice.index ?? 0) === 0) out.text = choice.text;
      if (marker) choice.text = marker.markText(choice.text);
    }
    out.usage = openaiUsage(json.usage);
  },

  streamTransformer(marker, out, body) {
    return openaiChoiceStream(marker, out, body, {
      read: (choice) => textOrNull(choice.text, 'text') ?? undefined,
      write: (choice, text) => {
        choice.text = text;
      },
      logprobs: () => undefined,
    });
  },
};
