// What a route answers, before the behaviour switches decide how (and whether) it is delivered.
export type Dialect = 'openai' | 'anthropic' | 'gemini' | 'bedrock';

export type Reply =
  | { kind: 'json'; status: number; headers?: Record<string, string>; body: unknown }
  /** A stream: SSE text frames, or binary ones with their content type (AWS's event stream). */
  | { kind: 'sse'; frames: (string | Uint8Array)[]; contentType?: string };

export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
