// Collects the caller's text from the content shapes both dialects allow: a string, or an array of
// parts whose text sits in `text` (or nested `content`, as in tool results).
export function collectText(value: unknown, into: string[]): void {
  if (typeof value === 'string') {
    if (value.length > 0) into.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const part of value) collectText(part, into);
    return;
  }
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.text === 'string') into.push(v.text);
    if (v.content !== undefined) collectText(v.content, into);
    if (typeof v.input === 'string') into.push(v.input);
    if (typeof v.arguments === 'string') into.push(v.arguments);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
