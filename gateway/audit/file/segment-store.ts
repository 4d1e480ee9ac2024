// Append-only segment files under <audit>/segments: recovery on open, batched writes, fsync, and
// random and sequential reads. Files are named for the sequence number of their first record.
import { closeSync, fsync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeFrames, FRAME_HEADER, readFrame } from './frame.js';
import { scanSegment, type SegmentEnd } from './segment-scan.js';

const fsyncAsync = promisify(fsync);
const SEGMENT_BYTES = 64 * 1024 * 1024;

export class AuditCorruptionError extends Error {
  constructor(
    message: string,
    readonly seq: number,
    readonly file: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Segment {
  firstSeq: number;
  path: string;
  fd: number;
}

export const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, '0')}.seg`;

export function listSegments(dir: string): { firstSeq: number; path: string }[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d{16}\.seg$/.test(n))
    .sort()
    .map((n) => ({ firstSeq: Number(n.slice(0, 16)), path: join(dir, n) }));
}

export interface RecoveryReport {
  size: number;
  /** Bytes of a torn tail cut off (or, read-only, ignored). */
  tornBytes: number;
}

export class SegmentStore {
  readonly #dir: string;
  readonly #readOnly: boolean;
  #segments: Segment[] = [];
  /** File offset of every record's frame, by sequence number. */
  #offsets = new Float64Array(1024);
  #size = 0;
  #tailBytes = 0;
  #writeFd = -1;
  #unsynced = new Set<number>();

  private constructor(dir: string, readOnly: boolean) {
    this.#dir = dir;
    this.#readOnly = readOnly;
  }

  /**
   * Opens the store, reading every frame once. A torn tail of the last segment is truncated
   * (left alone when read-only); damage anywhere else throws AuditCorruptionError.
   * `onRecord` sees each record's payload in order (the tree rebuild uses it).
   */
  static async open(dir: string, opts: { readOnly: boolean; onRecord?: (seq: number, payload: Buffer) => void }): Promise<{ store: SegmentStore; report: RecoveryReport }> {
    if (!opts.readOnly) mkdirSync(dir, { recursive: true });
    const s = new SegmentStore(dir, opts.readOnly);
    const files = listSegments(dir);
    let tornBytes = 0;
    for (let i = 0; i < files.length; i++) {
      const { firstSeq, path } = files[i];
      if (firstSeq !== s.#size) throw new AuditCorruptionError(`segment ${path} starts at seq ${firstSeq}, expected ${s.#size}`, s.#size, path, 0);
      const it = scanSegment(path);
      let end: SegmentEnd;
      for (;;) {
        const step = await it.next();
        if (step.done) {
          end = step.value;
          break;
        }
        s.#pushOffset(step.value.offset);
        opts.onRecord?.(s.#size - 1, step.value.payload);
      }
      const last = i === files.length - 1;
      if (end.kind === 'corrupt' || (end.kind === 'torn-tail' && !last)) {
        const offset = end.kind === 'corrupt' ? end.offset : end.end;
        const reason = end.kind === 'corrupt' ? end.reason : 'segment cut short';
        throw new AuditCorruptionError(`audit record seq ${s.#size} in ${path} at byte ${offset} is damaged (${reason})`, s.#size, path, offset);
      }
      const fd = openSync(path, opts.readOnly ? 'r' : 'r+');
      if (end.kind === 'torn-tail') {
        tornBytes = end.bytes;
        if (!opts.readOnly) {
          ftruncateSync(fd, end.end);
          await fsyncAsync(fd);
        }
      }
      s.#segments.push({ firstSeq, path, fd });
      if (last) s.#tailBytes = end.end;
    }
    if (!opts.readOnly) s.#writeFd = s.#segments.at(-1)?.fd ?? -1;
    return { store: s, report: { size: s.#size, tornBytes } };
  }

  get size(): number {
    return this.#size;
  }

  #pushOffset(offset: number): void {
    if (this.#size === this.#offsets.length) {
      const grown = new Float64Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#offsets[this.#size++] = offset;
  }

  /** Writes records numbered from `size` (payloads, framed here) with one write syscall. */
  writeRecords(payloads: Buffer[]): void {
    if (this.#readOnly) throw new Error('audit store is open read-only');
    if (this.#writeFd < 0 || this.#tailBytes >= SEGMENT_BYTES) this.#rotate();
    const data = encodeFrames(payloads);
    let written = 0;
    while (written < data.length) written += writeSync(this.#writeFd, data, written, data.length - written, this.#tailBytes + written);
    let offset = this.#tailBytes;
    for (const p of payloads) {
      this.#pushOffset(offset);
      offset += FRAME_HEADER + p.length;
    }
    this.#tailBytes = offset;
    this.#unsynced.add(this.#writeFd);
  }

  #rotate(): void {
    const path = join(this.#dir, segmentName(this.#size));
    const fd = openSync(path, 'wx+');
    this.#segments.push({ firstSeq: this.#size, path, fd });
    this.#writeFd = fd;
    this.#tailBytes = 0;
    // The new file's directory entry must be durable too.
    this.#unsynced.add(openSync(this.#dir, 'r'));
  }

  /** fsyncs everything written so far. */
  async sync(): Promise<void> {
    const fds = [...this.#unsynced];
    this.#unsynced.clear();
    await Promise.all(fds.map((fd) => fsyncAsync(fd)));
    for (const fd of fds) if (!this.#segments.some((s) => s.fd === fd)) closeSync(fd);
  }

  #segmentOf(seq: number): Segment {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#segments[mid].firstSeq <= seq) lo = mid;
      else hi = mid - 1;
    }
    return this.#segments[lo];
  }

  /** The payload of record `seq` (a leaf), checked against its CRC. */
  read(seq: number): Buffer {
    if (!(seq >= 0 && seq < this.#size)) throw new RangeError(`no audit record ${seq}`);
    const seg = this.#segmentOf(seq);
    const offset = this.#offsets[seq];
    const header = Buffer.allocUnsafe(FRAME_HEADER);
    readSync(seg.fd, header, 0, FRAME_HEADER, offset);
    const frame = Buffer.allocUnsafe(FRAME_HEADER + header.readUInt32BE(0));
    readSync(seg.fd, frame, 0, frame.length, offset);
    const r = readFrame(frame, 0);
    if (r.kind !== 'frame') throw new AuditCorruptionError(`audit record seq ${seq} in ${seg.path} is damaged`, seq, seg.path, offset);
    return r.payload;
  }

  /** Payloads of records [from, to) in order, read in large chunks. */
  async *range(from: number, to = this.#size): AsyncGenerator<{ seq: number; payload: Buffer }> {
    let seq = from;
    while (seq < to) {
      const seg = this.#segmentOf(seq);
      const it = scanSegment(seg.path, this.#offsets[seq]);
      // The scan holds the segment's file handle until it is returned: also when the reader stops early
      // (a query's limit), which returns this generator at its yield.
      try {
        for (;;) {
          const step = await it.next();
          if (step.done || seq >= to) break;
          yield { seq, payload: step.value.payload };
          seq++;
        }
      } finally {
        await it.return({ kind: 'clean', end: 0 });
      }
      if (seq < to && this.#segmentOf(seq) === seg) throw new AuditCorruptionError(`audit record seq ${seq} in ${seg.path} is unreadable`, seq, seg.path, this.#offsets[seq]);
    }
  }

  close(): void {
    for (const s of this.#segments) closeSync(s.fd);
    for (const fd of this.#unsynced) if (!this.#segments.some((s) => s.fd === fd)) closeSync(fd);
    this.#segments = [];
    this.#unsynced.clear();
  }
}
