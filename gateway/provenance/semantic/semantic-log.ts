// <dataDir>/provenance/semantic.log: the restricted outputs' windows, appended in batches off the
// request path. Loading reads it in chunks (never the whole file) and stops at a torn or corrupt
// tail, which a writer truncates away. Hand-written like fingerprints.log beside it: a plain
// append-only file of CRC-framed records needs no database.
import { mkdirSync, truncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeOutput, type SemanticOutput } from './semantic-record.js';
import { readFramedLog } from '../framed-log.js';


/** The log of one gateway process, or of one of several workers sharing the data directory (each indexes what it serves). */
export function semanticLogPath(dataDir: string, worker?: number): string {
  return join(dataDir, 'provenance', worker === undefined ? 'semantic.log' : `semantic-${worker}.log`);
}

/** Calls `each` for every intact record with its end offset; returns the valid prefix's size. */
export function readSemanticLog(path: string, each: (output: SemanticOutput, end: number) => void): { validBytes: number; fileBytes: number } {
  return readFramedLog(
    path,
    (buf, offset) => {
      const r = decodeOutput(buf, offset);
      return r && { value: r.output, next: r.next };
    },
    each,
  );
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
