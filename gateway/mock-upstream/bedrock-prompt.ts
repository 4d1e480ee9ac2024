// What a Converse request asks, checked the way Bedrock checks it (a ValidationException's message when it would
// refuse it): content blocks that are each exactly one of text, image, toolUse or toolResult; images with a
// Converse format and base64 bytes; turns alternating between user and assistant; a toolConfig whenever the
// conversation holds toolUse or toolResult blocks, with toolSpecs and a toolChoice of auto, any or tool.
import { contentText, type Prompt, type ToolChoice } from './prompt.js';
import type { JsonBody } from './route.js';

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const BLOCK_KINDS = ['text', 'image', 'toolUse', 'toolResult'];

/** The prompt of a Converse request, or the message of the ValidationException Bedrock would answer. */
export function conversePrompt(model: string, body: JsonBody): Prompt | string {
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'The model returned the following errors: messages: must not be empty';
  const messages: JsonBody[] = body.messages;
  let usesTools = false;
  for (const [i, m] of messages.entries()) {
    if (m?.role !== (i % 2 === 0 ? 'user' : 'assistant')) return 'A conversation must start with a user message and alternate between user and assistant roles. Try again with a conversation that alternates.';
    if (!Array.isArray(m.content) || m.content.length === 0) return `messages.${i}.content: must not be empty`;
    for (const [j, block] of (m.content as JsonBody[]).entries()) {
      const wrong = blockProblem(block, m.role);
      if (wrong) return `messages.${i}.content.${j}: ${wrong}`;
      usesTools ||= block.toolUse !== undefined || block.toolResult !== undefined;
    }
  }
  const tools = toolsOf(body.toolConfig);
  if (typeof tools === 'string') return tools;
  if (usesTools && tools.length === 0) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  const choice = toolChoiceOf(body.toolConfig?.toolChoice);
  if (typeof choice === 'string') return choice;
  const last = messages.at(-1)!;
  return {
    model,
    seed: JSON.stringify([body.system ?? null, messages, body.toolConfig ?? null]),
    lastUserText: converseText(messages.findLast((m) => m?.role === 'user')?.content),
    inputText: [converseText(body.system), ...messages.map((m) => contentText(m.content.map(blockText)))].join('\n'),
    tools,
    toolChoice: choice,
    format: { kind: 'text' },
    maxTokens: typeof body.inferenceConfig?.maxTokens === 'number' ? body.inferenceConfig.maxTokens : undefined,
    answeringToolResult: last.role === 'user' && last.content.some((b: JsonBody) => b?.toolResult !== undefined),
  };
}

/** The text blocks only: tool results are data, not the user's words (where directives are read). */
export function converseText(content: unknown): string {
  return Array.isArray(content) ? content.flatMap((c: JsonBody) => (typeof c?.text === 'string' ? [c.text] : [])).join('\n') : '';
}

function blockText(block: JsonBody): unknown {
  if (block.toolResult) return { content: (block.toolResult.content as JsonBody[]).map((c) => (c.json !== undefined ? JSON.stringify(c.json) : c.text)) };
  if (block.toolUse) return JSON.stringify(block.toolUse.input);
  return block;
}

function blockProblem(block: JsonBody, role: string): string | null {
  if (typeof block !== 'object' || block === null) return 'must be an object';
  const kinds = BLOCK_KINDS.filter((k) => block[k] !== undefined);
  if (kinds.length !== 1 || Object.keys(block).length !== 1) return 'must be exactly one of text, image, toolUse, toolResult';
  if (kinds[0] === 'text') return typeof block.text === 'string' && block.text.length > 0 ? null : 'The text field in the ContentBlock object is blank.';
  if (kinds[0] === 'image') {
    const { format, source } = block.image ?? {};
    if (!IMAGE_FORMATS.has(format)) return 'image.format: must be one of png, jpeg, gif, webp';
    return typeof source?.bytes === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(source.bytes) ? null : 'image.source.bytes: must be base64';
  }
  if (kinds[0] === 'toolUse') {
    const u = block.toolUse;
    if (role !== 'assistant') return 'toolUse blocks belong to assistant turns';
    return typeof u?.toolUseId === 'string' && typeof u.name === 'string' && typeof u.input === 'object' && u.input !== null ? null : 'toolUse: toolUseId, name and input are required';
  }
  const r = block.toolResult;
  if (role !== 'user') return 'toolResult blocks belong to user turns';
  if (typeof r?.toolUseId !== 'string' || !Array.isArray(r.content)) return 'toolResult: toolUseId and content are required';
  if (r.status !== undefined && r.status !== 'success' && r.status !== 'error') return 'toolResult.status: must be success or error';
  return r.content.every((c: JsonBody) => (typeof c?.text === 'string' && Object.keys(c).length === 1) || (c?.json !== undefined && Object.keys(c).length === 1)) ? null : 'toolResult.content: each must be text or json';
}

function toolsOf(config: JsonBody | undefined): Prompt['tools'] | string {
  if (config === undefined) return [];
  if (typeof config !== 'object' || config === null || !Array.isArray(config.tools) || config.tools.length === 0) return 'toolConfig.tools: must have at least one tool';
  const tools: Prompt['tools'] = [];
  for (const [i, t] of (config.tools as JsonBody[]).entries()) {
    const spec = t?.toolSpec;
    if (typeof spec?.name !== 'string' || typeof spec.inputSchema?.json !== 'object') return `toolConfig.tools.${i}.toolSpec: name and inputSchema.json are required`;
    tools.push({ name: spec.name, description: spec.description, parameters: spec.inputSchema.json });
  }
  return tools;
}

function toolChoiceOf(choice: JsonBody | undefined): ToolChoice | string {
  if (choice === undefined) return { mode: 'auto' };
  if (typeof choice !== 'object' || choice === null) return 'toolConfig.toolChoice: must be one of auto, any, tool';
  if (choice.auto !== undefined) return { mode: 'auto' };
  if (choice.any !== undefined) return { mode: 'required' };
  if (typeof choice.tool?.name === 'string') return { mode: 'named', name: choice.tool.name };
  return 'toolConfig.toolChoice: must be one of auto, any, tool';
}
