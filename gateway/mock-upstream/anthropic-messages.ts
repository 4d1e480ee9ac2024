// POST /v1/messages: a Message object, or the message_start … message_stop event sequence.
import { planAnswer, type Answer } from './answer.js';
import { errorReply } from './errors.js';
import { newId } from './ids.js';
import { countsOf } from './counts.js';
import { contentText, type Prompt, type ToolChoice } from './prompt.js';
import { sseEvent, type Reply } from './reply.js';
import type { JsonBody, Route } from './route.js';
import { estimateTokens, splitChunks } from './tokens.js';

export const messages: Route = {
  dialect: 'anthropic',
  directiveText: lastUserText,
  reply(body, ctx) {
    if (typeof body.model !== 'string') return errorReply('anthropic', 400, 'model: Field required');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return errorReply('anthropic', 400, 'messages: Field required');
    if (typeof body.max_tokens !== 'number') return errorReply('anthropic', 400, 'max_tokens: Field required');
    const prompt = promptOf(body);
    const answer = planAnswer(prompt, ctx.sentences, ctx.behaviour.words);
    return body.stream === true ? streamed(body, prompt, answer) : { kind: 'json', status: 200, body: messageObject(body, prompt, answer) };
  },
};

/** POST /v1/messages/count_tokens: the input count a Message for the same request would report. */
export const countTokens: Route = {
  dialect: 'anthropic',
  directiveText: lastUserText,
  reply(body) {
    if (typeof body.model !== 'string') return errorReply('anthropic', 400, 'model: Field required');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return errorReply('anthropic', 400, 'messages: Field required');
    return { kind: 'json', status: 200, body: { input_tokens: Math.max(1, estimateTokens(promptOf(body).inputText)) } };
  },
};

function lastUserText(body: JsonBody): string {
  const list: JsonBody[] = Array.isArray(body.messages) ? body.messages : [];
  const last = list.findLast((m) => m?.role === 'user');
  if (!last) return '';
  // Tool results are data, not the user's words.
  return Array.isArray(last.content) ? contentText(last.content.filter((b: JsonBody) => b?.type === 'text')) : contentText(last.content);
}

function promptOf(body: JsonBody): Prompt {
  const list: JsonBody[] = body.messages;
  const last = list.at(-1);
  return {
    model: body.model,
    seed: JSON.stringify([body.system ?? null, list, body.tools ?? null]),
    lastUserText: lastUserText(body),
    inputText: [contentText(body.system ?? ''), ...list.map((m) => contentText(m?.content))].join('\n'),
    tools: (Array.isArray(body.tools) ? body.tools : [])
      .filter((t: JsonBody) => typeof t?.name === 'string' && t.input_schema !== undefined)
      .map((t: JsonBody) => ({ name: t.name, description: t.description, parameters: t.input_schema })),
    toolChoice: toolChoiceOf(body.tool_choice),
    format: { kind: 'text' },
    maxTokens: body.max_tokens,
    answeringToolResult: last?.role === 'user' && Array.isArray(last.content) && last.content.some((b: JsonBody) => b?.type === 'tool_result'),
    thinking: body.thinking?.type === 'enabled',
  };
}

function toolChoiceOf(choice: JsonBody | undefined): ToolChoice {
  switch (choice?.type) {
    case 'any':
      return { mode: 'required' };
    case 'none':
      return { mode: 'none' };
    case 'tool':
      return typeof choice.name === 'string' ? { mode: 'named', name: choice.name } : { mode: 'required' };
    default:
      return { mode: 'auto' };
  }
}

function stopReason(answer: Answer): string {
  return answer.finish === 'tool_calls' ? 'tool_use' : answer.finish === 'length' ? 'max_tokens' : 'end_turn';
}

function usage(prompt: Prompt, answer: Answer, outputTokens: number) {
  const counts = countsOf(prompt.inputText, answer);
  return { input_tokens: counts.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens, service_tier: 'standard' };
}

function outputTokens(prompt: Prompt, answer: Answer): number {
  return countsOf(prompt.inputText, { ...answer, text: answer.preamble + ' ' + answer.text }).output;
}

// Anthropic signs thinking blocks; the mock's signature only has the right shape.
const THINKING_SIGNATURE = 'mock-thinking-signature';

function contentBlocks(answer: Answer): JsonBody[] {
  const thinking = answer.reasoning === undefined ? [] : [{ type: 'thinking', thinking: answer.reasoning, signature: THINKING_SIGNATURE }];
  const call = answer.toolCalls[0];
  if (!call) return [...thinking, { type: 'text', text: answer.text }];
  return [
    ...thinking,
    { type: 'text', text: answer.preamble },
    { type: 'tool_use', id: `toolu_${call.id}`, name: call.name, input: JSON.parse(call.arguments) },
  ];
}

function messageObject(body: JsonBody, prompt: Prompt, answer: Answer): JsonBody {
  return {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: contentBlocks(answer),
    stop_reason: stopReason(answer),
    stop_sequence: null,
    usage: usage(prompt, answer, outputTokens(prompt, answer)),
  };
}

function streamed(body: JsonBody, prompt: Prompt, answer: Answer): Reply {
  const frames: string[] = [];
  const emit = (type: string, data: JsonBody = {}) => frames.push(sseEvent(type, { type, ...data }));
  emit('message_start', {
    message: { id: newId('msg_'), type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: usage(prompt, answer, 1) },
  });
  let index = 0;
  if (answer.reasoning !== undefined) {
    emit('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const piece of splitChunks(answer.reasoning)) emit('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
    emit('content_block_delta', { index, delta: { type: 'signature_delta', signature: THINKING_SIGNATURE } });
    emit('content_block_stop', { index });
    index++;
  }
  const text = answer.toolCalls.length > 0 ? answer.preamble : answer.text;
  emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
  emit('ping');
  for (const piece of splitChunks(text)) emit('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
  emit('content_block_stop', { index });
  const call = answer.toolCalls[0];
  if (call) {
    index++;
    emit('content_block_start', { index, content_block: { type: 'tool_use', id: `toolu_${call.id}`, name: call.name, input: {} } });
    for (const partial_json of call.arguments.match(/[\s\S]{1,8}/g) ?? []) emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
    emit('content_block_stop', { index });
  }
  emit('message_delta', { delta: { stop_reason: stopReason(answer), stop_sequence: null }, usage: { output_tokens: outputTokens(prompt, answer) } });
  emit('message_stop');
  return { kind: 'sse', frames };
}
