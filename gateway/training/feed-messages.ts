// What a feed record keeps of a prompt: each turn as the runner renders it (a role and one string),
// nothing else. Names, ids, statuses, cache_control, images, thinking blocks and any key a client
// invents are dropped before storage, so admission can read every stored byte (issue 22, #4): a
// field the runner never trains on is a field nobody scans. Pure.
import type { FeedMessage, FeedRole } from '../core/contracts.js';

// A Map, not an object literal: a caller's role named `constructor` or `valueOf` must not find Object.prototype.
const ROLES = new Map<string, FeedRole>([['system', 'system'], ['developer', 'system'], ['user', 'user'], ['assistant', 'assistant'], ['model', 'assistant'], ['tool', 'tool'], ['function', 'tool']]);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A tool call as the runner trains on it: the function's name and its arguments, on a line of their own. */
function renderCall(name: unknown, args: unknown): string {
  const n = typeof name === 'string' ? name : '';
  const a = typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args);
  return `${n}(${a})`;
}

/**
 * A content value's text: a string as it is; text parts joined with nothing (as the runner joins
 * them, so a word split across parts is whole again); tool uses and results on lines of their own.
 * Iterative over nesting (tool results hold content), so no depth overflows the stack.
 */
export function renderContent(content: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [content];
  let lineBreak = false;
  const emit = (text: string, ownLine: boolean) => {
    if (text.length === 0) return;
    if ((ownLine || lineBreak) && out.length > 0) out.push('\n');
    out.push(text);
    lineBreak = ownLine;
  };
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') emit(v, false);
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else if (isObject(v)) {
      if (typeof v.text === 'string') emit(v.text, false);
      else if (v.type === 'tool_use') emit(renderCall(v.name, v.input), true);
      else if (v.type === 'tool_result') stack.push(v.content);
    }
  }
  return out.join('');
}

/** One turn: its role (an unknown role trains as a user turn) and its rendered text. */
function feedMessage(m: unknown): FeedMessage {
  if (typeof m === 'string') return { role: 'user', content: m };
  if (Array.isArray(m)) return { role: 'user', content: m.filter((p): p is string => typeof p === 'string').join('') };
  if (!isObject(m)) return { role: 'user', content: '' };
  // Responses API items: a function call and its output are an assistant turn and a tool turn.
  if (m.type === 'function_call') return { role: 'assistant', content: renderCall(m.name, m.arguments) };
  if (m.type === 'function_call_output') return { role: 'tool', content: renderContent(m.output) };
  const role = (typeof m.role === 'string' && ROLES.get(m.role)) || 'user';
  const calls: string[] = [];
  if (Array.isArray(m.tool_calls)) for (const c of m.tool_calls) if (isObject(c) && isObject(c.function)) calls.push(renderCall(c.function.name, c.function.arguments));
  if (isObject(m.function_call)) calls.push(renderCall(m.function_call.name, m.function_call.arguments));
  const content = [renderContent(m.content), ...calls].filter((t) => t.length > 0).join('\n');
  return { role, content };
}

/** The prompt as the feed stores it and admission reads it. Idempotent: a stored prompt maps to itself. */
export function feedMessages(prompt: readonly unknown[]): FeedMessage[] {
  return prompt.map(feedMessage);
}

/**
 * The teacher's token log-probabilities as the runner reads them (token, logprob, alternatives), kept
 * only when the tokens spell the stored completion, so they carry no text admission has not read.
 */
export function feedLogprobs(top: unknown[] | null, completion: string): unknown[] | null {
  if (top === null) return null;
  const kept: { token: string; logprob: number; top_logprobs: { token: string; logprob: number }[] }[] = [];
  for (const e of top) {
    if (!isObject(e) || typeof e.token !== 'string' || typeof e.logprob !== 'number') return null;
    const alternatives = Array.isArray(e.top_logprobs) ? e.top_logprobs : [];
    kept.push({
      token: e.token,
      logprob: e.logprob,
      top_logprobs: alternatives.flatMap((a) => (isObject(a) && typeof a.token === 'string' && typeof a.logprob === 'number' ? [{ token: a.token, logprob: a.logprob }] : [])),
    });
  }
  return kept.map((k) => k.token).join('') === completion ? kept : null;
}
