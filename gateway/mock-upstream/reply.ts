// What a route answers, before the behaviour switches decide how (and whether) it is delivered.
export type Dialect = 'openai' | 'anthropic' | 'gemini';

export type Reply =
  | { kind: 'json'; status: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'sse'; frames: string[] };

export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
