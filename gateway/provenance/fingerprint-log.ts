// The append-only file of remembered outputs that versions before the on-disk index wrote under
// <dataDir>/provenance: read once, in chunks, to move it into the index (provenance.ts); a torn
// tail ends the read.
import { join } from 'node:path';
import { decodeRecord, type StoredRecord } from './fingerprint-record.js';
import { readFramedLog } from './framed-log.js';

export const LOG_FILE = 'fingerprints.log';

export function logPath(dataDir: string): string {
  return join(dataDir, 'provenance', LOG_FILE);
}

/** Calls `each` for every complete record; returns the size of the valid prefix. */
export function readLog(path: string, each: (stored: StoredRecord) => void): { validBytes: number; fileBytes: number } {
  return readFramedLog(
    path,
    (buf, offset) => {
      const r = decodeRecord(buf, offset);
      return r && { value: r.stored, next: r.next };
    },
    each,
  );
}
