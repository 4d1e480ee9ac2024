// The text of a prompt as the caller sent it (chat messages, responses input, completions prompt),
// bounded: the monitor only needs enough of it to recognise a template. Pure.

/** Beyond this many characters a prompt's shape is already clear; the rest is not read. */
export const MAX_PROMPT_CHARS = 8192;

export function promptText(prompt: unknown[]): string {
  const parts: string[] = [];
  let size = 0;
  const add = (s: string) => {
    if (size >= MAX_PROMPT_CHARS) return;
    const cut = s.slice(0, MAX_PROMPT_CHARS - size);
    parts.push(cut);
    size += cut.length + 1;
  };
  const walk = (v: unknown, depth: number): void => {
    if (size >= MAX_PROMPT_CHARS || depth > 6) return;
    if (typeof v === 'string') add(v);
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      // Only what a person or template wrote: content and text fields, never ids or tool schemas.
      for (const k of ['content', 'text', 'input', 'prompt']) if (k in o) walk(o[k], depth + 1);
    }
  };
  walk(prompt, 0);
  return parts.join('\n');
}
