// Test helper: an answer that never ends, written as fast as its reader takes it (with backpressure) until
// the reader goes away — or, so that no test can loop for ever, until `maxBytes` have been written.
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';

/** Bytes written so far, read by the test to show how much the gateway let in before it stopped reading. */
export interface Poured {
  sent: number;
}

export function pour(res: Writable, chunk: Buffer, poured: Poured, maxBytes = 512 * 1024 * 1024): void {
  const more = () => {
    while (!res.destroyed && poured.sent < maxBytes) {
      poured.sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
  };
  more();
}

/** The answers still open, so a test can show the gateway closed its connection; `track` adds one until it closes. */
export function openAnswers(): { open: Set<ServerResponse>; track(res: ServerResponse): void } {
  const open = new Set<ServerResponse>();
  return {
    open,
    track(res) {
      open.add(res);
      res.on('close', () => open.delete(res));
    },
  };
}
