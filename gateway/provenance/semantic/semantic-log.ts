// <dataDir>/provenance/semantic.log: the restricted outputs' windows, appended in batches off the
// request path. Loading reads it in chunks (never the whole file) and stops at a torn or corrupt
// tail, which a writer truncates away. Hand-written like fingerprints.log beside it: a plain
// append-only file of CRC-framed records needs no database.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, truncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeOutput, type SemanticOutput } from './semantic-record.js';

const CHUNK = 8 * 1024 * 1024;

export function semanticLogPath(dataDir: string): string {
  return join(dataDir, 'provenance', 'semantic.log');
}

/** Calls `each` for every intact record with its end offset; returns the valid prefix's size. */
export function readSemanticLog(path: string, each: (output: SemanticOutput, end: number) => void): { validBytes: number; fileBytes: number } {
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
      for (let r = decodeOutput(buf.subarray(0, filled), offset); r; r = decodeOutput(buf.subarray(0, filled), offset)) {
        offset = r.next;
        each(r.output, consumed + offset);
      }
      consumed += offset;
      const corrupt = filled - offset >= 8 && offset + 8 + buf.readUInt32LE(offset) <= filled;
      if (read === 0 || corrupt) return { validBytes: consumed, fileBytes };
      buf.copy(buf, 0, offset, filled);
      filled -= offset;
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

export class SemanticLogWriter {
  private constructor(readonly handle: FileHandle) {}

  static async open(path: string, validBytes: number, fileBytes: number): Promise<SemanticLogWriter> {
    mkdirSync(dirname(path), { recursive: true });
    if (fileBytes > validBytes) truncateSync(path, validBytes);
    return new SemanticLogWriter(await open(path, 'a'));
  }

  async append(batch: Buffer): Promise<void> {
    await this.handle.write(batch);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
