// <dataDir>/provenance/semantic.log: the restricted outputs' windows, appended in batches off the
// request path. Loading reads it in chunks (never the whole file) and stops at a torn or corrupt
// tail, which a writer truncates away. Hand-written like fingerprints.log beside it: a plain
// append-only file of CRC-framed records needs no database.
import { mkdirSync, truncateSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeHeader, decodeOutput, encodeOutput, forgottenUnder, PURGED, type SemanticOutput } from './semantic-record.js';
import { acquireWriterLock } from '../../core/writer-lock.js';
import { framedChunks, readFramedLog, scanFramedLog, type FrameDecoder } from '../framed-log.js';

/** The log of one gateway process, or of one of several workers sharing the data directory (each indexes what it serves). */
export function semanticLogPath(dataDir: string, worker?: number): string {
  return join(dataDir, 'provenance', worker === undefined ? 'semantic.log' : `semantic-${worker}.log`);
}

const outputFrame: FrameDecoder<SemanticOutput> = (buf, offset) => {
  const r = decodeOutput(buf, offset);
  return r && { value: r.output, next: r.next };
};

/** Calls `each` for every intact record with its end offset; returns the valid prefix's size. */
export function readSemanticLog(path: string, each: (output: SemanticOutput, end: number) => void): { validBytes: number; fileBytes: number } {
  return readFramedLog(path, outputFrame, each);
}

/** The intact records from byte `from` (a record's start) on, a chunk of the file's worth at a time. */
export function semanticLogChunks(path: string, from: number): AsyncGenerator<{ value: SemanticOutput; end: number }[]> {
  return framedChunks(path, outputFrame, from);
}

/** Bytes copied per read and write while a purge rewrites the log: the event loop is handed back between them. */
const COPY_BYTES = 8 * 1024 * 1024;

/**
 * Retention: rewrites the log's intact records with each output served before `cutoffMs` replaced by a
 * PURGED record (outputs keep their numbers, which the saved graph's keys name); the rest are copied as
 * they are, in reads and writes of at most COPY_BYTES. The records are found by their headers alone (CRC
 * checked, windows not decoded), a chunk per turn of the event loop. Written beside the log, fsynced,
 * then renamed over it. Returns the new size and how many were purged. Only the log's writer may call it,
 * with its handle closed.
 */
export async function purgeSemanticLog(path: string, cutoffMs: number): Promise<{ bytes: number; purged: number }> {
  // Runs of records kept as they are, and single records purged, in log order.
  const runs: { start: number; end: number; purge: boolean }[] = [];
  let start = 0;
  let purged = 0;
  await scanFramedLog(path, decodeHeader, (header, end) => {
    const purge = forgottenUnder(header, cutoffMs);
    const last = runs[runs.length - 1];
    if (!purge && last && !last.purge) last.end = end;
    else runs.push({ start, end, purge });
    if (purge) purged++;
    start = end;
  });
  if (purged === 0) return { bytes: start, purged };
  const tombstone = encodeOutput(PURGED);
  const tmp = `${path}.purge`;
  const from = await open(path, 'r');
  const to = await open(tmp, 'w');
  let bytes = 0;
  try {
    const buf = Buffer.alloc(COPY_BYTES);
    for (const run of runs) {
      if (run.purge) {
        await to.write(tombstone);
        bytes += tombstone.length;
        continue;
      }
      for (let at = run.start; at < run.end; ) {
        const { bytesRead } = await from.read(buf, 0, Math.min(COPY_BYTES, run.end - at), at);
        if (bytesRead === 0) throw new Error(`${path} ended while a purge copied it`);
        await to.write(buf.subarray(0, bytesRead));
        at += bytesRead;
        bytes += bytesRead;
      }
    }
    await to.datasync();
  } finally {
    await from.close();
    await to.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
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
      return await purgeSemanticLog(this.path, cutoffMs);
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
