// POST /v1/chat/completions: chat.completion objects, or chat.completion.chunk SSE ending in [DONE].
import { planAnswer, type Answer } from './answer.js';
import { errorReply } from './errors.js';
import { newId, unixSeconds } from './ids.js';
import { tokenLogprobs, type TokenLogprob } from './logprobs.js';
import { countsOf } from './counts.js';
import { chatUsage } from './openai-usage.js';
import { contentText, type OutputFormat, type Prompt, type ToolChoice } from './prompt.js';
import { sseData, type Reply } from './reply.js';
import type { JsonBody, Route } from './route.js';
import { splitChunks } from './tokens.js';

const FINGERPRINT = 'fp_mock0001';
const SENTINEL = '\u0000token\u0000';

export const chatCompletions: Route = {
  dialect: 'openai',
  directiveText: lastUserText,
  reply(body, ctx) {
    if (typeof body.model !== 'string') return errorReply('openai', 400, 'you must provide a model parameter', 'model');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return errorReply('openai', 400, "Missing required parameter: 'messages'.", 'messages');
    const prompt = promptOf(body);
    const answer = planAnswer(prompt, ctx.sentences, ctx.behaviour.words);
    return body.stream === true ? streamed(body, prompt, answer) : whole(body, prompt, answer);
  },
};

function lastUserText(body: JsonBody): string {
  const messages: JsonBody[] = Array.isArray(body.messages) ? body.messages : [];
  const last = messages.findLast((m) => m?.role === 'user');
  return last ? contentText(last.content) : '';
}

function promptOf(body: JsonBody): Prompt {
  const messages: JsonBody[] = body.messages;
  return {
    model: body.model,
    seed: JSON.stringify([messages, body.tools ?? null, body.response_format ?? null]),
    lastUserText: lastUserText(body),
    inputText: messages.map((m) => contentText(m?.content)).join('\n'),
    tools: (Array.isArray(body.tools) ? body.tools : [])
      .filter((t: JsonBody) => t?.type === 'function' && typeof t.function?.name === 'string')
      .map((t: JsonBody) => ({ name: t.function.name, description: t.function.description, parameters: t.function.parameters ?? {} })),
    toolChoice: toolChoiceOf(body.tool_choice),
    format: formatOf(body.response_format),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    answeringToolResult: messages.at(-1)?.role === 'tool',
  };
}

function toolChoiceOf(choice: unknown): ToolChoice {
  if (choice === 'none' || choice === 'required' || choice === 'auto') return { mode: choice };
  const name = (choice as JsonBody | undefined)?.function?.name;
  return typeof name === 'string' ? { mode: 'named', name } : { mode: 'auto' };
}

function formatOf(format: JsonBody | undefined): OutputFormat {
  if (format?.type === 'json_object') return { kind: 'json_object' };
  if (format?.type === 'json_schema') return { kind: 'json_schema', schema: format.json_schema?.schema ?? {} };
  return { kind: 'text' };
}

function logprobsFor(body: JsonBody, tokens: string[], prompt: Prompt): TokenLogprob[] | undefined {
  return body.logprobs === true ? tokenLogprobs(tokens, Number(body.top_logprobs ?? 0), prompt.seed) : undefined;
}

function whole(body: JsonBody, prompt: Prompt, answer: Answer): Reply {
  const tokens = splitChunks(answer.text);
  const logprobs = logprobsFor(body, tokens, prompt);
  const toolCalls = answer.toolCalls.map((c) => ({ id: `call_${c.id}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  const message: JsonBody = { role: 'assistant', content: toolCalls.length > 0 ? null : answer.text, refusal: null, annotations: [] };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (answer.reasoning !== undefined) message.reasoning_content = answer.reasoning;
  return {
    kind: 'json',
    status: 200,
    body: {
      id: newId('chatcmpl-'),
      object: 'chat.completion',
      created: unixSeconds(),
      model: body.model,
      choices: [{ index: 0, message, logprobs: logprobs ? { content: logprobs, refusal: null } : null, finish_reason: answer.finish }],
      usage: chatUsage(countsOf(prompt.inputText, answer)),
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
    },
  };
}

function streamed(body: JsonBody, prompt: Prompt, answer: Answer): Reply {
  const id = newId('chatcmpl-');
  const created = unixSeconds();
  const withUsage = body.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], extra: JsonBody = {}) =>
    sseData({ id, object: 'chat.completion.chunk', created, model: body.model, service_tier: 'default', system_fingerprint: FINGERPRINT, choices, ...(withUsage ? { usage: null } : {}), ...extra });
  const choice = (delta: JsonBody, logprobs: unknown = null, finish: string | null = null) => ({ index: 0, delta, logprobs, finish_reason: finish });

  const frames: string[] = [];
  const call = answer.toolCalls[0];
  if (call) {
    frames.push(chunk([choice({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: `call_${call.id}`, type: 'function', function: { name: call.name, arguments: '' } }], refusal: null })]));
    for (const piece of call.arguments.match(/[\s\S]{1,8}/g) ?? []) {
      frames.push(chunk([choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] })]));
    }
  } else {
    frames.push(chunk([choice({ role: 'assistant', content: '', refusal: null })]));
    for (const piece of splitChunks(answer.reasoning ?? '')) frames.push(chunk([choice({ reasoning_content: piece })]));
    const tokens = splitChunks(answer.text);
    const logprobs = logprobsFor(body, tokens, prompt);
    if (logprobs) tokens.forEach((token, i) => frames.push(chunk([choice({ content: token }, { content: [logprobs[i]], refusal: null })])));
    else {
      // The benchmark's hot path: serialise the chunk once and splice each token into it.
      const [before, after] = chunk([choice({ content: SENTINEL })]).split(JSON.stringify(SENTINEL));
      for (const token of tokens) frames.push(before + JSON.stringify(token) + after);
    }
  }
  frames.push(chunk([choice({}, null, answer.finish)]));
  if (withUsage) frames.push(chunk([], { usage: chatUsage(countsOf(prompt.inputText, answer)) }));
  frames.push('data: [DONE]\n\n');
  return { kind: 'sse', frames };
}
