// What an answer depends on, independent of the API dialect it arrived in.
export interface ToolSpec {
  name: string;
  description?: string;
  parameters: unknown;
}

export type ToolChoice = { mode: 'auto' | 'none' | 'required' } | { mode: 'named'; name: string };

export type OutputFormat = { kind: 'text' } | { kind: 'json_object' } | { kind: 'json_schema'; schema: unknown };

export interface Prompt {
  model: string;
  /** Canonical text of everything that shapes the answer; the seed of its randomness. */
  seed: string;
  /** Text of the last user turn: where directives and requests for code or tools are read. */
  lastUserText: string;
  /** All input text, for the prompt token estimate. */
  inputText: string;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  format: OutputFormat;
  maxTokens?: number;
  /** The last turn carries a tool result, so the model answers in prose rather than calling again. */
  answeringToolResult: boolean;
  /** Extended thinking was asked for (Anthropic `thinking: {type: "enabled"}`). */
  thinking?: boolean;
}

/** Text of a message content in either dialect: a string or an array of typed parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (part && typeof part === 'object') {
      const p = part as { text?: unknown; content?: unknown };
      if (typeof p.text === 'string') parts.push(p.text);
      else if (p.content !== undefined) parts.push(contentText(p.content));
    }
  }
  return parts.join('\n');
}
