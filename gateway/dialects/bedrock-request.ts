// An OpenAI chat request as a Bedrock Converse request: system and developer messages → `system`; user and
// assistant turns → `messages` (text, images as `image{format, source.bytes}`, assistant tool calls → `toolUse`,
// tool messages → `toolResult` in the user turn after them; consecutive turns of one role joined, as Converse
// wants them alternating); tools → `toolConfig`; sampling settings → `inferenceConfig`. Every other field set
// to a value is refused with a reason naming it (an allow-list), never dropped. Pure: no I/O.
import { isObject } from './json-object.js';
import { toolCallInputs } from './tool-calls.js';
import { parseDataUrl } from './data-url.js';

type Json = Record<string, unknown>;

/** What the translation carries; `stream` picks the path and `stream_options` is consumed (ConverseStream always ends with its usage). */
const CARRIED = new Set(['model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'n']);
export const NOT_SUPPORTED = 'is not supported for Bedrock models through termsgate';
/** Converse's image formats, by the media type of a data: URL. */
const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

export function converseRequest(body: Json): Json | string {
  for (const [field, value] of Object.entries(body)) if (!CARRIED.has(field) && value !== undefined && value !== null) return `\`${field}\` ${NOT_SUPPORTED}`;
  if (typeof body.n === 'number' && body.n !== 1) return `\`n\` other than 1 ${NOT_SUPPORTED}`;
  // Converse has no switch for parallel tool calls: a model may make several, so only `true` is faithful.
  if (body.parallel_tool_calls === false) return `\`parallel_tool_calls: false\` ${NOT_SUPPORTED}`;
  const system: Json[] = [];
  const messages: { role: string; content: Json[] }[] = [];
  for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
    if (!isObject(m)) return `messages[${i}] must be an object`;
    const turn = turnOf(m);
    if (typeof turn === 'string') return `messages[${i}]${turn}`;
    if ('system' in turn) {
      system.push({ text: turn.system });
      continue;
    }
    const previous = messages.at(-1);
    if (previous?.role === turn.role) previous.content.push(...turn.content);
    else messages.push(turn);
  }
  const out: Json = { messages };
  if (system.length) out.system = system;
  const config: Json = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') config.maxTokens = maxTokens;
  if (typeof body.temperature === 'number') config.temperature = body.temperature;
  if (typeof body.top_p === 'number') config.topP = body.top_p;
  if (typeof body.stop === 'string') config.stopSequences = [body.stop];
  else if (Array.isArray(body.stop)) config.stopSequences = body.stop;
  if (Object.keys(config).length) out.inferenceConfig = config;
  const tools = toolConfigOf(body.tools, body.tool_choice);
  if (typeof tools === 'string') return tools;
  if (tools) out.toolConfig = tools;
  return out;
}

/** One OpenAI message as a Converse turn, a system text, or (a string) what is wrong with it, after its index. */
function turnOf(m: Json): { role: 'user' | 'assistant'; content: Json[] } | { system: string } | string {
  switch (m.role) {
    case 'system':
    case 'developer': {
      const blocks = blocksOf(m.content, false);
      return typeof blocks === 'string' ? blocks : { system: blocks.map((b) => b.text as string).join('\n') };
    }
    case 'user': {
      const blocks = blocksOf(m.content, true);
      return typeof blocks === 'string' ? blocks : { role: 'user', content: blocks };
    }
    case 'assistant': {
      const blocks = m.content === null || m.content === undefined ? [] : blocksOf(m.content, false);
      if (typeof blocks === 'string') return blocks;
      const calls = toolCallInputs(m.tool_calls, 'Bedrock');
      if (typeof calls === 'string') return calls;
      for (const c of calls) blocks.push({ toolUse: { toolUseId: c.id, name: c.name, input: c.input } });
      return { role: 'assistant', content: blocks };
    }
    case 'tool': {
      if (typeof m.tool_call_id !== 'string') return '.tool_call_id is required';
      const blocks = blocksOf(m.content, false);
      if (typeof blocks === 'string') return blocks;
      return { role: 'user', content: [{ toolResult: { toolUseId: m.tool_call_id, content: blocks.length ? blocks : [{ text: '' }], status: 'success' } }] };
    }
    default:
      return `.role \`${String(m.role).slice(0, 20)}\` ${NOT_SUPPORTED}`;
  }
}

/** OpenAI content (a string or parts) as Converse content blocks; images only where `images`. Converse refuses blank text blocks, so empty texts are left out. */
function blocksOf(content: unknown, images: boolean): Json[] | string {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  if (!Array.isArray(content)) return '.content must be a string or an array of content parts';
  const blocks: Json[] = [];
  for (const [j, part] of content.entries()) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') {
      if (part.text) blocks.push({ text: part.text });
    } else if (images && isObject(part) && part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
      const image = parseDataUrl(part.image_url.url);
      const format = image && IMAGE_FORMATS[image.mediaType];
      // Converse takes an image's bytes or an S3 location, never a URL to fetch.
      if (!image || !format) return `.content[${j}].image_url.url must be a base64 data: URL of a PNG, JPEG, GIF or WebP image for Bedrock models`;
      blocks.push({ image: { format, source: { bytes: image.data } } });
    } else return `.content[${j}] of type \`${String(isObject(part) ? part.type : typeof part).slice(0, 20)}\` ${NOT_SUPPORTED} here`;
  }
  return blocks;
}

function toolConfigOf(tools: unknown, choice: unknown): Json | null | string {
  if (tools === undefined || tools === null) return choice === undefined || choice === null ? null : '`tool_choice` needs `tools` for Bedrock models';
  if (!Array.isArray(tools)) return '`tools` must be an array';
  // Converse wants at least one tool in a toolConfig; an empty list offers none.
  if (tools.length === 0 && (choice === undefined || choice === null)) return null;
  const specs: Json[] = [];
  for (const [i, t] of tools.entries()) {
    if (!isObject(t) || t.type !== 'function' || !isObject(t.function) || typeof t.function.name !== 'string') return `tools[${i}] must be a function tool with a name`;
    const f = t.function;
    specs.push({ toolSpec: { name: f.name, ...(typeof f.description === 'string' ? { description: f.description } : {}), inputSchema: { json: isObject(f.parameters) ? f.parameters : { type: 'object', properties: {} } } } });
  }
  const config: Json = { tools: specs };
  if (choice === undefined || choice === null) return config;
  if (choice === 'auto') config.toolChoice = { auto: {} };
  else if (choice === 'required') config.toolChoice = { any: {} };
  else if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') config.toolChoice = { tool: { name: choice.function.name } };
  // Converse has no "none": leaving the tools out is the caller's faithful way to ask for no call.
  else return '`tool_choice` must be auto, required or a named function for Bedrock models';
  return config;
}
