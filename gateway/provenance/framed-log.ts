// Reading an append-only file of length-and-CRC framed records (fingerprints.log, semantic.log) in chunks,
// never the whole file, stopping at a torn or corrupt tail: the one reader both logs share, synchronous
// (loading at start) or handing the event loop back between chunks (a purge's scan beside a serving gateway).
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

const CHUNK = 8 * 1024 * 1024;

/** A record decoded at `offset`, and where the next one starts; null when the bytes there are not a whole, intact record. */
export type FrameDecoder<T> = (buf: Buffer, offset: number) => { value: T; next: number } | null;

/** Cuts the file's bytes, read in order into its buffer, into records; done at the end or at a corrupt record. */
class FrameCutter<T> {
  buf = Buffer.alloc(CHUNK);
  filled = 0;
  position = 0;
  consumed = 0;

  constructor(
    readonly decode: FrameDecoder<T>,
    readonly each: (value: T, end: number) => void,
  ) {}

  /** Takes `read` more bytes (read into buf at filled); returns whether reading is done. */
  take(read: number): boolean {
    const { decode } = this;
    this.position += read;
    this.filled += read;
    let offset = 0;
    for (let r = decode(this.buf.subarray(0, this.filled), offset); r; r = decode(this.buf.subarray(0, this.filled), offset)) {
      offset = r.next;
      this.each(r.value, this.consumed + offset);
    }
    this.consumed += offset;
    // A whole frame is there but did not decode: corrupt, not torn; the valid prefix ends before it.
    const corrupt = this.filled - offset >= 8 && offset + 8 + this.buf.readUInt32LE(offset) <= this.filled;
    if (read === 0 || corrupt) return true;
    this.buf.copy(this.buf, 0, offset, this.filled);
    this.filled -= offset;
    // A record larger than the buffer: widen it.
    if (this.filled === this.buf.length) {
      const wider = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(wider, 0, 0, this.filled);
      this.buf = wider;
    }
    return false;
  }
}

/** Calls `each` for every intact record with its end offset in the file; returns the valid prefix's size and the file's. */
export function readFramedLog<T>(path: string, decode: FrameDecoder<T>, each: (value: T, end: number) => void): { validBytes: number; fileBytes: number } {
  if (!existsSync(path)) return { validBytes: 0, fileBytes: 0 };
  const fd = openSync(path, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    const cutter = new FrameCutter(decode, each);
    while (!cutter.take(readSync(fd, cutter.buf, cutter.filled, cutter.buf.length - cutter.filled, cutter.position)));
    return { validBytes: cutter.consumed, fileBytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * The intact records from byte `from` on (the start of a record), a chunk's worth at a time, each with its
 * end offset: for a reader that does much with each record and hands the event loop back between them.
 */
export async function* framedChunks<T>(path: string, decode: FrameDecoder<T>, from: number): AsyncGenerator<{ value: T; end: number }[]> {
  const fh = await open(path, 'r');
  try {
    let read: { value: T; end: number }[] = [];
    const cutter = new FrameCutter(decode, (value: T, end: number) => read.push({ value, end }));
    cutter.position = from;
    cutter.consumed = from;
    for (;;) {
      const { bytesRead } = await fh.read(cutter.buf, cutter.filled, cutter.buf.length - cutter.filled, cutter.position);
      const done = cutter.take(bytesRead);
      if (read.length > 0) {
        yield read;
        read = [];
      }
      if (done) return;
    }
  } finally {
    await fh.close();
  }
}

/** readFramedLog with the event loop handed back after each chunk. */
export async function scanFramedLog<T>(path: string, decode: FrameDecoder<T>, each: (value: T, end: number) => void): Promise<{ validBytes: number; fileBytes: number }> {
  if (!existsSync(path)) return { validBytes: 0, fileBytes: 0 };
  const fh = await open(path, 'r');
  try {
    const fileBytes = (await fh.stat()).size;
    const cutter = new FrameCutter(decode, each);
    for (;;) {
      const { bytesRead } = await fh.read(cutter.buf, cutter.filled, cutter.buf.length - cutter.filled, cutter.position);
      if (cutter.take(bytesRead)) return { validBytes: cutter.consumed, fileBytes };
    }
  } finally {
    await fh.close();
  }
}
