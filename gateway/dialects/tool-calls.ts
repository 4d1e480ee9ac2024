// An OpenAI assistant message's tool_calls as the id, name and JSON-object input that Anthropic's
// tool_use and Bedrock's toolUse blocks carry: one reading for both translations.
import { isObject } from './json-object.js';

export interface ToolCallInput {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** The calls, or the reason one cannot be carried (`.tool_calls[j] …`), naming the provider `kind` ("Anthropic", "Bedrock"). */
export function toolCallInputs(toolCalls: unknown, kind: string): ToolCallInput[] | string {
  const out: ToolCallInput[] = [];
  for (const [j, c] of (Array.isArray(toolCalls) ? toolCalls : []).entries()) {
    if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== 'string' || typeof c.id !== 'string') return `.tool_calls[${j}] must be a function call with an id and a name`;
    let input: unknown;
    try {
      input = JSON.parse(typeof c.function.arguments === 'string' && c.function.arguments ? c.function.arguments : '{}');
    } catch {
      return `.tool_calls[${j}].function.arguments must be JSON for ${kind} models`;
    }
    if (!isObject(input)) return `.tool_calls[${j}].function.arguments must be a JSON object for ${kind} models`;
    out.push({ id: c.id, name: c.function.name, input });
  }
  return out;
}
