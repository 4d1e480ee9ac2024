// Reads the frames of one segment file in order, in bounded memory, and classifies how it ends:
// cleanly, with a torn tail (the last write cut short: recoverable), or with damage before the tail.
import { open } from 'node:fs/promises';
import { FRAME_HEADER, readFrame } from './frame.js';

export interface ScannedFrame {
  offset: number;
  payload: Buffer;
}

export type SegmentEnd =
  | { kind: 'clean'; end: number }
  | { kind: 'torn-tail'; end: number; bytes: number }
  | { kind: 'corrupt'; offset: number; reason: string };

const CHUNK = 1 << 20;

/** Yields every valid frame from `fromOffset`; the returned value says how the file ends. */
export async function* scanSegment(path: string, fromOffset = 0): AsyncGenerator<ScannedFrame, SegmentEnd> {
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    let buf = Buffer.alloc(0);
    let bufStart = fromOffset;
    let readPos = fromOffset;
    let at = 0;
    for (;;) {
      const r = readFrame(buf, at);
      if (r.kind === 'frame') {
        yield { offset: bufStart + at, payload: r.payload };
        at = r.next;
        continue;
      }
      if (r.kind === 'incomplete' && readPos < fileSize) {
        const need = r.end === null ? FRAME_HEADER : r.end - at;
        const chunk = Buffer.allocUnsafe(Math.min(Math.max(CHUNK, need), fileSize - readPos));
        const { bytesRead } = await fh.read(chunk, 0, chunk.length, readPos);
        readPos += bytesRead;
        bufStart += at;
        buf = Buffer.concat([buf.subarray(at), chunk.subarray(0, bytesRead)]);
        at = 0;
        continue;
      }
      const offset = bufStart + at;
      if (offset === fileSize) return { kind: 'clean', end: offset };
      const torn = { kind: 'torn-tail' as const, end: offset, bytes: fileSize - offset };
      if (r.kind === 'incomplete') return torn;
      // A bad frame is a torn tail only when it is the last thing in the file, or zero fill follows.
      if (r.end !== null && bufStart + r.end >= fileSize) return torn;
      const tail = Buffer.allocUnsafe(fileSize - offset);
      await fh.read(tail, 0, tail.length, offset);
      if (tail.every((b) => b === 0)) return torn;
      return { kind: 'corrupt', offset, reason: r.reason };
    }
  } finally {
    await fh.close();
  }
}
