// OpenAI POST /v1/chat/completions. Marks `content` and `reasoning_content` (message or delta);
// tool-call arguments and JSON-mode or schema-constrained output are collected for fingerprints,
// never marked, so structured output stays byte-identical.
import { isObject } from './json-object.js';
import { openaiChoiceStream } from './openai-choice-stream.js';
import { answerChoices, textOrNull } from './answer-shape.js';
import { openaiStreamError, openaiUsage, requireModel, withStreamUsage } from './openai-common.js';
import { ProviderAnswerError, type EndpointAdapter, type ParsedRequest } from './types.js';
import { streamFlag } from './stream-flag.js';

export const openaiChat: EndpointAdapter = {
  endpoint: 'chat.completions',
  dialect: 'openai',
  path: '/v1/chat/completions',
  // Anthropic, Gemini and Bedrock are reached through translation.ts.
  accepts: () => true,
  streamError: openaiStreamError,

  parse(body): ParsedRequest | string {
    const model = requireModel(body);
    if (typeof model !== 'string') return model.error;
    const b = body as Record<string, unknown>;
    if (!Array.isArray(b.messages) || b.messages.length === 0) return '`messages` must be a non-empty array';
    const format = isObject(b.response_format) ? b.response_format.type : undefined;
    const stream = streamFlag(b);
    if (typeof stream === 'string') return stream;
    return {
      model,
      stream,
      prompt: b.messages,
      structured: format === 'json_object' || format === 'json_schema',
    };
  },

  upstreamBody: withStreamUsage,

  transformJson(json, marker, out) {
    const choices = answerChoices(json);
    for (const choice of choices) {
      const message = choice.message;
      if (!isObject(message)) throw new ProviderAnswerError("a choice of the provider's answer has no message object");
      const content = textOrNull(message.content, 'content');
      const reasoning = textOrNull(message.reasoning_content, 'reasoning_content');
      const first = choice.index === 0 || choices.length === 1;
      if (reasoning !== null) {
        if (first) out.reasoning = reasoning;
        if (marker) message.reasoning_content = marker.markText(reasoning);
      }
      if (first && Array.isArray(message.tool_calls)) {
        out.toolArguments = message.tool_calls.flatMap((c) => (isObject(c) && isObject(c.function) && typeof c.function.arguments === 'string' ? [c.function.arguments] : []));
      }
      if (content === null) continue;
      if (first) {
        out.text = content;
        if (isObject(choice.logprobs) && Array.isArray(choice.logprobs.content)) out.topLogprobs = choice.logprobs.content;
      }
      if (marker) message.content = marker.markText(content);
    }
    out.usage = openaiUsage(json.usage);
  },

  streamTransformer(marker, out, body) {
    return openaiChoiceStream(marker, out, body, {
      read: (choice) => textOrNull(delta(choice).content, 'content') ?? undefined,
      write: (choice, text) => {
        (choice.delta as Record<string, unknown>).content = text;
      },
      logprobs: (choice) => (isObject(choice.logprobs) && Array.isArray(choice.logprobs.content) ? choice.logprobs.content : undefined),
      reasoning: {
        read: (choice) => textOrNull(delta(choice).reasoning_content, 'reasoning_content') ?? undefined,
        write: (choice, text) => {
          (choice.delta as Record<string, unknown>).reasoning_content = text;
        },
      },
      toolArguments: (choice) =>
        isObject(choice.delta) && Array.isArray(choice.delta.tool_calls)
          ? choice.delta.tool_calls.flatMap((c, i) =>
              isObject(c) && isObject(c.function) && typeof c.function.arguments === 'string' ? [{ index: typeof c.index === 'number' ? c.index : i, piece: c.function.arguments }] : [],
            )
          : [],
    });
  },
};

/** A streamed choice's delta: absent is empty; anything but an object would hide text (see answerChoices). */
function delta(choice: Record<string, unknown>): Record<string, unknown> {
  if (choice.delta === undefined || choice.delta === null) return {};
  if (!isObject(choice.delta)) throw new ProviderAnswerError("a streamed choice's `delta` is not an object");
  return choice.delta;
}
