import type { SseEvent } from './types.js';

/** Serialises events in the wire format; `data` is a single line of JSON in both dialects. */
export function serializeEvents(events: SseEvent[]): string {
  let out = '';
  for (const ev of events) out += (ev.event ? `event: ${ev.event}\n` : '') + `data: ${ev.data}\n\n`;
  return out;
}
