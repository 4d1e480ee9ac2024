import { isObject } from './json-object.js';
import type { SseEvent } from './types.js';

/** Serialises events in the wire format; `data` is a single line of JSON in both dialects. */
export function serializeEvents(events: SseEvent[]): string {
  let out = '';
  for (const ev of events) out += (ev.event ? `event: ${ev.event}\n` : '') + `data: ${ev.data}\n\n`;
  return out;
}

/** The JSON object an event carries; null for anything else (such as `[DONE]`), which passes through untouched. */
export function eventObject(ev: SseEvent): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(ev.data);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}
