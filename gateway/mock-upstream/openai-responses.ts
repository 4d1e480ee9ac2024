// POST /v1/responses: a Response object, or the response.* event sequence with sequence numbers.
import { planAnswer, type Answer } from './answer.js';
import { errorReply } from './errors.js';
import { newId, unixSeconds } from './ids.js';
import { countsOf } from './counts.js';
import { responsesUsage } from './openai-usage.js';
import { contentText, type OutputFormat, type Prompt, type ToolChoice } from './prompt.js';
import { sseEvent, type Reply } from './reply.js';
import type { JsonBody, Route } from './route.js';
import { splitChunks } from './tokens.js';

export const responses: Route = {
  dialect: 'openai',
  directiveText: lastUserText,
  reply(body, ctx) {
    if (typeof body.model !== 'string') return errorReply('openai', 400, "Missing required parameter: 'model'.", 'model');
    if (typeof body.input !== 'string' && !Array.isArray(body.input)) return errorReply('openai', 400, "Missing required parameter: 'input'.", 'input');
    const prompt = promptOf(body);
    const answer = planAnswer(prompt, ctx.sentences, ctx.behaviour.words);
    const ids = { response: newId('resp_'), item: answer.toolCalls.length > 0 ? newId('fc_') : newId('msg_') };
    return body.stream === true ? streamed(body, prompt, answer, ids) : { kind: 'json', status: 200, body: responseObject(body, prompt, answer, ids, 'completed') };
  },
};

function inputItems(body: JsonBody): JsonBody[] {
  return typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input : [];
}

function lastUserText(body: JsonBody): string {
  const last = inputItems(body).findLast((item) => item?.role === 'user');
  return last ? contentText(last.content) : '';
}

function promptOf(body: JsonBody): Prompt {
  const items = inputItems(body);
  const format = body.text?.format;
  return {
    model: body.model,
    seed: JSON.stringify([body.instructions ?? null, items, body.tools ?? null, format ?? null]),
    lastUserText: lastUserText(body),
    inputText: [body.instructions ?? '', ...items.map((i) => contentText(i?.content ?? i?.output))].join('\n'),
    tools: (Array.isArray(body.tools) ? body.tools : [])
      .filter((t: JsonBody) => t?.type === 'function' && typeof t.name === 'string')
      .map((t: JsonBody) => ({ name: t.name, description: t.description, parameters: t.parameters ?? {} })),
    toolChoice: toolChoiceOf(body.tool_choice),
    format: formatOf(format),
    maxTokens: body.max_output_tokens ?? undefined,
    answeringToolResult: items.at(-1)?.type === 'function_call_output',
  };
}

function toolChoiceOf(choice: unknown): ToolChoice {
  if (choice === 'none' || choice === 'required' || choice === 'auto') return { mode: choice };
  const name = (choice as JsonBody | undefined)?.name;
  return typeof name === 'string' ? { mode: 'named', name } : { mode: 'auto' };
}

function formatOf(format: JsonBody | undefined): OutputFormat {
  if (format?.type === 'json_object') return { kind: 'json_object' };
  if (format?.type === 'json_schema') return { kind: 'json_schema', schema: format.schema ?? {} };
  return { kind: 'text' };
}

interface Ids {
  response: string;
  item: string;
}

function outputItem(answer: Answer, ids: Ids, status: 'in_progress' | 'completed', text: string): JsonBody {
  const call = answer.toolCalls[0];
  if (call) {
    return { id: ids.item, type: 'function_call', status, arguments: status === 'completed' ? call.arguments : '', call_id: `call_${call.id}`, name: call.name };
  }
  return { id: ids.item, type: 'message', status, role: 'assistant', content: status === 'completed' ? [textPart(text)] : [] };
}

function textPart(text: string): JsonBody {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function responseObject(body: JsonBody, prompt: Prompt, answer: Answer, ids: Ids, status: 'in_progress' | 'completed'): JsonBody {
  const done = status === 'completed';
  return {
    id: ids.response,
    object: 'response',
    created_at: unixSeconds(),
    status: done && answer.finish === 'length' ? 'incomplete' : status,
    background: false,
    error: null,
    incomplete_details: done && answer.finish === 'length' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output: done ? [outputItem(answer, ids, 'completed', answer.text)] : [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: done ? responsesUsage(countsOf(prompt.inputText, answer)) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

function streamed(body: JsonBody, prompt: Prompt, answer: Answer, ids: Ids): Reply {
  let sequence = 0;
  const frames: string[] = [];
  const emit = (type: string, data: JsonBody) => frames.push(sseEvent(type, { type, sequence_number: sequence++, ...data }));
  const at = { item_id: ids.item, output_index: 0 };

  emit('response.created', { response: responseObject(body, prompt, answer, ids, 'in_progress') });
  emit('response.in_progress', { response: responseObject(body, prompt, answer, ids, 'in_progress') });
  emit('response.output_item.added', { output_index: 0, item: outputItem(answer, ids, 'in_progress', '') });
  const call = answer.toolCalls[0];
  if (call) {
    for (const delta of call.arguments.match(/[\s\S]{1,8}/g) ?? []) emit('response.function_call_arguments.delta', { ...at, delta });
    emit('response.function_call_arguments.done', { ...at, name: call.name, arguments: call.arguments });
  } else {
    const part = { ...at, content_index: 0 };
    emit('response.content_part.added', { ...part, part: textPart('') });
    for (const delta of splitChunks(answer.text)) emit('response.output_text.delta', { ...part, delta, logprobs: [] });
    emit('response.output_text.done', { ...part, text: answer.text, logprobs: [] });
    emit('response.content_part.done', { ...part, part: textPart(answer.text) });
  }
  emit('response.output_item.done', { output_index: 0, item: outputItem(answer, ids, 'completed', answer.text) });
  const final = responseObject(body, prompt, answer, ids, 'completed');
  emit(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
  return { kind: 'sse', frames };
}
