// <dataDir>/provenance/semantic.log: the restricted outputs' windows, appended in batches off the
// request path. Loading reads it in chunks (never the whole file) and stops at a torn or corrupt
// tail, which a writer truncates away. Hand-written like fingerprints.log beside it: a plain
// append-only file of CRC-framed records needs no database.
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeOutput, encodeOutput, PURGED, type SemanticOutput } from './semantic-record.js';
import { acquireWriterLock } from '../../core/writer-lock.js';
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

/**
 * Retention: rewrites the log's intact records with each output served before `cutoffMs` replaced by a
 * PURGED record (outputs keep their numbers, which the saved graph's keys name); the rest are copied as
 * they are. Written beside the log, fsynced, then renamed over it. Returns the new size and how many were
 * purged. Only the log's writer may call it, with its handle closed.
 */
export function purgeSemanticLog(path: string, cutoffMs: number): { bytes: number; purged: number } {
  const ranges: { start: number; end: number; purge: boolean }[] = [];
  let start = 0;
  readSemanticLog(path, (output, end) => {
    ranges.push({ start, end, purge: output.time !== null && output.time < cutoffMs && output.decisionId !== PURGED.decisionId });
    start = end;
  });
  const purged = ranges.filter((r) => r.purge).length;
  if (purged === 0) return { bytes: start, purged };
  const tombstone = encodeOutput(PURGED);
  const tmp = `${path}.purge`;
  const from = openSync(path, 'r');
  const to = openSync(tmp, 'w');
  let bytes = 0;
  try {
    for (const r of ranges) {
      let frame = tombstone;
      if (!r.purge) {
        frame = Buffer.alloc(r.end - r.start);
        readSync(from, frame, 0, frame.length, r.start);
      }
      writeSync(to, frame);
      bytes += frame.length;
    }
    fsyncSync(to);
  } finally {
    closeSync(from);
    closeSync(to);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return { bytes, purged };
}

export class SemanticLogWriter {
  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private readonly release: () => void,
  ) {}

  /** Opens the log for appending, held by this process (`<log>.lock`: a second writer, or `audit purge-content` beside it, is refused). */
  static async open(path: string, validBytes: number, fileBytes: number): Promise<SemanticLogWriter> {
    mkdirSync(dirname(path), { recursive: true });
    const release = acquireWriterLock(`${path}.lock`, `semantic log ${path}`);
    try {
      if (fileBytes > validBytes) truncateSync(path, validBytes);
      return new SemanticLogWriter(path, await open(path, 'a'), release);
    } catch (err) {
      release();
      throw err;
    }
  }

  async append(batch: Buffer): Promise<void> {
    await this.handle.write(batch);
  }

  /** Retention (purgeSemanticLog) under this writer's lock, between appends. */
  async purge(cutoffMs: number): Promise<{ bytes: number; purged: number }> {
    await this.handle.close();
    try {
      return purgeSemanticLog(this.path, cutoffMs);
    } finally {
      this.handle = await open(this.path, 'a');
    }
  }

  async close(): Promise<void> {
    try {
      await this.handle.close();
    } finally {
      this.release();
    }
  }
}
