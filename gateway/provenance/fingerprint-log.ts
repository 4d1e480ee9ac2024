// The append-only file of remembered outputs that versions before the on-disk index wrote under
// <dataDir>/provenance: read once, in chunks, to move it into the index (provenance.ts); a torn
// tail ends the read.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecord, type StoredRecord } from './fingerprint-record.js';

export const LOG_FILE = 'fingerprints.log';
const CHUNK = 8 * 1024 * 1024;

export function logPath(dataDir: string): string {
  return join(dataDir, 'provenance', LOG_FILE);
}

/** Calls `each` for every complete record; returns the size of the valid prefix. */
export function readLog(path: string, each: (stored: StoredRecord) => void): { validBytes: number; fileBytes: number } {
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
      for (let r = decodeRecord(buf.subarray(0, filled), offset); r; r = decodeRecord(buf.subarray(0, filled), offset)) {
        each(r.stored);
        offset = r.next;
      }
      consumed += offset;
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
