// Reading an append-only file of length-and-CRC framed records (fingerprints.log, semantic.log) in chunks,
// never the whole file, stopping at a torn or corrupt tail: the one reader both logs share.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK = 8 * 1024 * 1024;

/** A record decoded at `offset`, and where the next one starts; null when the bytes there are not a whole, intact record. */
export type FrameDecoder<T> = (buf: Buffer, offset: number) => { value: T; next: number } | null;

/** Calls `each` for every intact record with its end offset in the file; returns the valid prefix's size and the file's. */
export function readFramedLog<T>(path: string, decode: FrameDecoder<T>, each: (value: T, end: number) => void): { validBytes: number; fileBytes: number } {
  if (!existsSync(path)) return { validBytes: 0, fileBytes: 0 };
  const fd = openSync(path, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    let buf = Buffer.alloc(CHUNK);
    let filled = 0;
    let position = 0;
    let consumed = 0;
    for (;;) {
      const read = readSync(fd, buf, filled, buf.length - filled, position);
      position += read;
      filled += read;
      let offset = 0;
      for (let r = decode(buf.subarray(0, filled), offset); r; r = decode(buf.subarray(0, filled), offset)) {
        offset = r.next;
        each(r.value, consumed + offset);
      }
      consumed += offset;
      // A whole frame is there but did not decode: corrupt, not torn; the valid prefix ends before it.
      const corrupt = filled - offset >= 8 && offset + 8 + buf.readUInt32LE(offset) <= filled;
      if (read === 0 || corrupt) return { validBytes: consumed, fileBytes };
      buf.copy(buf, 0, offset, filled);
      filled -= offset;
      // A record larger than the buffer: widen it.
      if (filled === buf.length) {
        const wider = Buffer.alloc(buf.length * 2);
        buf.copy(wider, 0, 0, filled);
        buf = wider;
      }
    }
  } finally {
    closeSync(fd);
  }
}
