// The framed-log reader, synchronous and chunk by chunk: whatever bytes the file holds, both give the same
// records with the same end offsets and the same valid prefix (intact records up to a torn or corrupt one);
// read in chunks from a record's start, the records from there on.
import t from 'tap';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { framedChunks, readFramedLog, scanFramedLog } from './framed-log.js';
import { DIMENSIONS } from './semantic/embedder.js';
import { decodeHeader, encodeOutput } from './semantic/semantic-record.js';

const dir = mkdtempSync(join(tmpdir(), 'termsgate-framed-log-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const record = (decisionId: string, windows: number) => encodeOutput({ decisionId, licence: 'openai-terms', licenceClass: null, time: 1, vectors: new Float32Array(windows * DIMENSIONS).fill(0.5), coarse: null });

async function both(bytes: Buffer) {
  const path = join(dir, 'log');
  writeFileSync(path, bytes);
  const sync: [string, number][] = [];
  const chunked: [string, number][] = [];
  const a = readFramedLog(path, decodeHeader, (h, end) => sync.push([h.decisionId, end]));
  const b = await scanFramedLog(path, decodeHeader, (h, end) => chunked.push([h.decisionId, end]));
  return { sync, chunked, a, b };
}

t.test('the same records and prefix, whatever follows them', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ id: fc.string({ maxLength: 12 }), windows: fc.integer({ min: 0, max: 3 }) }), { maxLength: 20 }),
      fc.oneof(fc.constant(Buffer.alloc(0)), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))),
      async (records, tail) => {
        const frames = records.map((r) => record(r.id, r.windows));
        const { sync, chunked, a, b } = await both(Buffer.concat([...frames, tail]));
        t.same(chunked, sync);
        t.same(b, a);
        t.ok(a.validBytes >= frames.reduce((n, f) => n + f.length, 0), 'every intact record before the tail is read');
        t.same(sync.slice(0, records.length).map(([id]) => id), records.map((r) => r.id));
      },
    ),
    { numRuns: 80 },
  );
});

t.test('a record larger than a chunk (8 MB) is read whole by both', async (t) => {
  const big = record('big', 24_000);
  t.ok(big.length > 8 * 1024 * 1024);
  const { sync, chunked, a } = await both(Buffer.concat([record('a', 1), big, record('b', 2)]));
  t.same(sync.map(([id]) => id), ['a', 'big', 'b']);
  t.same(chunked, sync);
  t.equal(a.validBytes, a.fileBytes);
});

t.test('from any record on, in chunks: the records that follow it, with the same end offsets', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ id: fc.string({ maxLength: 12 }), windows: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 20 }),
      fc.nat(),
      fc.oneof(fc.constant(Buffer.alloc(0)), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))),
      async (records, pick, tail) => {
        const frames = records.map((r) => record(r.id, r.windows));
        const { sync } = await both(Buffer.concat([...frames, tail]));
        const k = pick % records.length;
        const from = k === 0 ? 0 : sync[k - 1][1];
        const read: [string, number][] = [];
        for await (const chunk of framedChunks(join(dir, 'log'), decodeHeader, from)) for (const { value, end } of chunk) read.push([value.decisionId, end]);
        t.same(read, sync.slice(k));
      },
    ),
    { numRuns: 60 },
  );
});
