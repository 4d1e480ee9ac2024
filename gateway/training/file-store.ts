// File-backed feed store: one append-only JSONL file under <dataDir>/feed, written in batches
// with one fdatasync per batch (group commit). An index of line offsets serves cursor reads.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FeedRecord } from './permit.js';
import { recordLine, type FeedStore, type SignedRecord } from './feed-store.js';

export async function openFileFeedStore(dataDir: string): Promise<FeedStore> {
  const dir = join(dataDir, 'feed');
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'feed.jsonl');
  const fh = await open(path, 'a+');
  // starts[i] is the byte offset of the record with seq i+1; `end` is where the next one goes.
  const starts = await indexLines(path);
  let end = starts.pop() ?? 0;
  const { size } = await fh.stat();
  // A torn tail (crash mid-write) is cut off: only whole, parseable lines are records.
  if (size > end) await fh.truncate(end);
  return new FileFeedStore(fh, starts, end);
}

/** Offsets of each valid line's start, then the end of the last valid line. */
async function indexLines(path: string): Promise<number[]> {
  const offsets: number[] = [];
  let pos = 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let nl: number;
    while ((nl = buf.indexOf(10)) !== -1) {
      const line = buf.subarray(0, nl);
      if (!isRecordLine(line)) return [...offsets, pos];
      offsets.push(pos);
      pos += nl + 1;
      buf = buf.subarray(nl + 1);
    }
    carry = Buffer.from(buf);
  }
  return [...offsets, pos];
}

function isRecordLine(line: Buffer): boolean {
  try {
    const r = JSON.parse(line.toString('utf8')) as Partial<FeedRecord>;
    return typeof r.seq === 'number' && typeof r.id === 'string';
  } catch {
    return false;
  }
}

class FileFeedStore implements FeedStore {
  constructor(
    private readonly fh: FileHandle,
    private readonly starts: number[],
    private end: number,
  ) {}

  async append(batch: SignedRecord[]): Promise<number> {
    let seq = this.starts.length;
    const lineStarts: number[] = [];
    const parts: Buffer[] = [];
    let at = this.end;
    for (const r of batch) {
      const line = Buffer.from(recordLine(++seq, r));
      lineStarts.push(at);
      parts.push(line);
      at += line.length;
    }
    const buf = Buffer.concat(parts);
    try {
      await this.fh.write(buf, 0, buf.length, this.end);
      await this.fh.datasync();
    } catch (err) {
      await this.fh.truncate(this.end).catch(() => undefined);
      throw err;
    }
    this.starts.push(...lineStarts);
    this.end = at;
    return seq;
  }

  async read(afterSeq: number, limit: number): Promise<FeedRecord[]> {
    const from = Math.max(0, afterSeq);
    const to = Math.min(this.starts.length, from + limit);
    if (to <= from) return [];
    const start = this.starts[from];
    const stop = to < this.starts.length ? this.starts[to] : this.end;
    const buf = Buffer.alloc(stop - start);
    await this.fh.read(buf, 0, buf.length, start);
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as FeedRecord);
  }

  async lastSeq(): Promise<number> {
    return this.starts.length;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
