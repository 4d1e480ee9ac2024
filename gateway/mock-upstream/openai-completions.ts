// POST /v1/completions (legacy): text_completion objects, streamed or whole.
import { planAnswer, type Answer } from './answer.js';
import { errorReply } from './errors.js';
import { newId, unixSeconds } from './ids.js';
import { tokenLogprobs } from './logprobs.js';
import { countsOf } from './counts.js';
import { chatUsage } from './openai-usage.js';
import type { Prompt } from './prompt.js';
import { sseData, type Reply } from './reply.js';
import type { JsonBody, Route } from './route.js';
import { splitChunks } from './tokens.js';

export const completions: Route = {
  dialect: 'openai',
  directiveText: promptText,
  reply(body, ctx) {
    if (typeof body.model !== 'string') return errorReply('openai', 400, 'you must provide a model parameter', 'model');
    if (body.prompt === undefined) return errorReply('openai', 400, "Missing required parameter: 'prompt'.", 'prompt');
    const prompt: Prompt = {
      model: body.model,
      seed: JSON.stringify(body.prompt),
      lastUserText: promptText(body),
      inputText: promptText(body),
      tools: [],
      toolChoice: { mode: 'none' },
      format: { kind: 'text' },
      maxTokens: body.max_tokens ?? undefined,
      answeringToolResult: false,
    };
    const answer = planAnswer(prompt, ctx.sentences, ctx.behaviour.words);
    return body.stream === true ? streamed(body, prompt, answer) : whole(body, prompt, answer);
  },
};

function promptText(body: JsonBody): string {
  const p = body.prompt;
  if (typeof p === 'string') return p;
  return Array.isArray(p) ? p.filter((x) => typeof x === 'string').join('\n') : '';
}

/** The legacy logprobs shape: parallel arrays, top alternatives as token → logprob maps. */
function legacyLogprobs(body: JsonBody, tokens: string[], seed: string, offset = 0) {
  if (typeof body.logprobs !== 'number') return null;
  const entries = tokenLogprobs(tokens, body.logprobs, seed);
  const offsets: number[] = [];
  let at = offset;
  for (const t of tokens) {
    offsets.push(at);
    at += t.length;
  }
  return {
    tokens: entries.map((e) => e.token),
    token_logprobs: entries.map((e) => e.logprob),
    top_logprobs: entries.map((e) => Object.fromEntries(e.top_logprobs.map((t) => [t.token, t.logprob]))),
    text_offset: offsets,
  };
}

function usageOf(prompt: Prompt, answer: Answer) {
  const { prompt_tokens, completion_tokens, total_tokens } = chatUsage(countsOf(prompt.inputText, answer));
  return { prompt_tokens, completion_tokens, total_tokens };
}

function whole(body: JsonBody, prompt: Prompt, answer: Answer): Reply {
  return {
    kind: 'json',
    status: 200,
    body: {
      id: newId('cmpl-'),
      object: 'text_completion',
      created: unixSeconds(),
      model: body.model,
      choices: [{ text: answer.text, index: 0, logprobs: legacyLogprobs(body, splitChunks(answer.text), prompt.seed), finish_reason: answer.finish }],
      usage: usageOf(prompt, answer),
    },
  };
}

function streamed(body: JsonBody, prompt: Prompt, answer: Answer): Reply {
  const id = newId('cmpl-');
  const created = unixSeconds();
  const withUsage = body.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], extra: JsonBody = {}) =>
    sseData({ id, object: 'text_completion', created, model: body.model, choices, ...(withUsage ? { usage: null } : {}), ...extra });
  const tokens = splitChunks(answer.text);
  const logprobs = legacyLogprobs(body, tokens, prompt.seed);
  const frames = tokens.map((text, i) =>
    chunk([
      {
        text,
        index: 0,
        logprobs: logprobs
          ? { tokens: [logprobs.tokens[i]], token_logprobs: [logprobs.token_logprobs[i]], top_logprobs: [logprobs.top_logprobs[i]], text_offset: [logprobs.text_offset[i]] }
          : null,
        finish_reason: null,
      },
    ]),
  );
  frames.push(chunk([{ text: '', index: 0, logprobs: null, finish_reason: answer.finish }]));
  if (withUsage) frames.push(chunk([], { usage: usageOf(prompt, answer) }));
  frames.push('data: [DONE]\n\n');
  return { kind: 'sse', frames };
}
