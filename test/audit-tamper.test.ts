// Tampering with a closed file-backed audit log: every kind of edit is detected by verifyStore
// and the first bad record is named.
import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { auditDir, contentDir, segmentsDir, tombstonesFile } from '../gateway/audit/file/layout.js';
import { encodeFrame, readFrame } from '../gateway/audit/file/frame.js';
import { verifyStore } from '../gateway/audit/file/verify.js';
import { auditConfig, sampleRecord, tempDataDir, testKeys } from './audit-fixtures.js';

const N = 20;
const pristine = tempDataDir('tamper');
const keys = testKeys();

t.before(async () => {
  const log = await FileAuditLog.open({ dataDir: pristine, audit: auditConfig(), keys });
  for (let i = 0; i < N; i++) {
    await log.append(sampleRecord(i), i % 4 === 0 ? { request: { messages: [{ role: 'user', content: `question ${i}` }] }, response: { text: `answer ${i}` } } : undefined);
  }
  await log.checkpoint();
  await log.close();
});

function copy(): string {
  const dir = tempDataDir('tampered');
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

function segmentPath(dataDir: string): string {
  const dir = segmentsDir(auditDir(dataDir));
  return join(dir, readdirSync(dir)[0]);
}

function readFrames(path: string): Buffer[] {
  const buf = readFileSync(path);
  const frames: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    const r = readFrame(buf, at);
    if (r.kind !== 'frame') throw new Error('fixture segment is damaged');
    frames.push(buf.subarray(at, r.next));
    at = r.next;
  }
  return frames;
}

function rewrite(dataDir: string, edit: (frames: Buffer[]) => Buffer[]): void {
  const path = segmentPath(dataDir);
  writeFileSync(path, Buffer.concat(edit(readFrames(path))));
}

t.test('the untouched log verifies', async (t) => {
  const r = await verifyStore(pristine);
  t.ok(r.ok, JSON.stringify(r.problem));
  t.equal(r.records, N);
  t.equal(r.verifiedSize, N);
  t.equal(r.contentChecked, 10);
});

const cases: { name: string; tamper: (dir: string) => void; kind: string; seq: number }[] = [
  {
    name: 'a flipped byte in a record',
    tamper: (dir) => rewrite(dir, (f) => f.map((b, i) => (i === 7 ? Buffer.from(b.toString('latin1').replace('"completed"', '"completeD"'), 'latin1') : b))),
    kind: 'damaged',
    seq: 7,
  },
  {
    name: 'an edited record with a recomputed CRC',
    tamper: (dir) =>
      rewrite(dir, (f) => f.map((b, i) => (i === 9 ? encodeFrame(Buffer.from(b.subarray(12).toString().replace('"latency_ms":120', '"latency_ms":121'))) : b))),
    kind: 'altered',
    seq: 9,
  },
  { name: 'a removed record', tamper: (dir) => rewrite(dir, (f) => f.filter((_, i) => i !== 5)), kind: 'missing', seq: 5 },
  { name: 'an inserted (replayed) record', tamper: (dir) => rewrite(dir, (f) => [...f.slice(0, 12), f[3], ...f.slice(12)]), kind: 'out-of-order', seq: 3 },
  { name: 'two swapped records', tamper: (dir) => rewrite(dir, (f) => [...f.slice(0, 10), f[11], f[10], ...f.slice(12)]), kind: 'out-of-order', seq: 10 },
  {
    name: 'a truncated tail',
    tamper: (dir) => {
      const frames = readFrames(segmentPath(dir));
      truncateSync(segmentPath(dir), frames.slice(0, 17).reduce((n, b) => n + b.length, 0));
    },
    kind: 'truncated',
    seq: 17,
  },
  {
    name: 'a flipped byte in the last record (a torn tail cannot hide it behind a checkpoint)',
    tamper: (dir) => {
      const path = segmentPath(dir);
      const buf = readFileSync(path);
      buf[buf.length - 3] ^= 0x20;
      writeFileSync(path, buf);
    },
    kind: 'damaged',
    seq: 19,
  },
  {
    name: 'a flipped byte in stored content',
    tamper: (dir) => {
      const content = contentDir(auditDir(dir));
      const sub = readdirSync(content).sort()[0];
      const file = join(content, sub, readdirSync(join(content, sub))[0]);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(question|answer) (\d+)/, '$1 9$2'));
    },
    kind: 'content',
    seq: -1,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const dir = copy();
    c.tamper(dir);
    const r = await verifyStore(dir);
    t.notOk(r.ok, 'verification fails');
    t.equal(r.problem?.kind, c.kind, r.problem?.message);
    if (c.seq >= 0) t.equal(r.problem?.seq, c.seq, 'names the first bad record');
    else t.ok(r.problem?.seq !== null && r.problem!.seq % 4 === 0, 'names a record that has content');
    t.match(r.problem?.message ?? '', /seq \d+/);
  });
}

t.test('purging content keeps the log verifiable', async (t) => {
  const dir = copy();
  const log = await FileAuditLog.open({ dataDir: dir, audit: auditConfig(), keys });
  const entry = await log.get(4);
  t.ok(entry?.record.request_digest, 'the record names its content digest');
  t.same(await log.content(entry!.record.request_digest!), { messages: [{ role: 'user', content: 'question 4' }] });
  t.equal(await log.purgeContent(new Date(Date.now() - 3_600_000)), 0, 'nothing is older than an hour');
  t.equal(await log.purgeContent(new Date(Date.now() + 1000)), 10, 'everything stored before now goes');
  t.equal(await log.content(entry!.record.request_digest!), null);
  const first = await log.get(0);
  await log.close();
  const r = await verifyStore(dir);
  t.ok(r.ok, JSON.stringify(r.problem));
  t.equal(r.contentChecked, 0, 'no content left to check');
  t.equal(r.contentPurged, 8, 'the completed records name 8 purged items, each with its tombstone');
  const tombstones = readFileSync(tombstonesFile(auditDir(dir)), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { digest: string; rule: string; purged_at: string });
  t.equal(tombstones.length, 10);
  t.match(tombstones[0], { rule: /^older-than 20\d\d-/, purged_at: /^20\d\d-/ });

  // Dropping a tombstone turns the purge into a deletion; editing one breaks its signature.
  const lines = readFileSync(tombstonesFile(auditDir(dir)), 'utf8').split('\n').filter(Boolean);
  writeFileSync(tombstonesFile(auditDir(dir)), lines.filter((l) => !l.includes(first!.record.request_digest!)).join('\n') + '\n');
  const dropped = await verifyStore(dir);
  t.match(dropped.problem, { kind: 'content', seq: 0, message: /deleted: it is gone and no retention tombstone names it/ });
  writeFileSync(tombstonesFile(auditDir(dir)), lines.map((l) => l.replace(/older-than [^"]+/, 'older-than 1970-01-01T00:00:00.000Z')).join('\n') + '\n');
  t.match((await verifyStore(dir)).problem, { kind: 'content', message: /not signed by the log's key: forged/ });
});

t.test('content deleted without retention is told from purged content', async (t) => {
  const dir = copy();
  const log = await FileAuditLog.open({ dataDir: dir, audit: auditConfig(), keys, readOnly: true });
  const digest = (await log.get(8))!.record.response_digest!;
  await log.close();
  rmSync(join(contentDir(auditDir(dir)), digest.slice(7, 9), `${digest.slice(7)}.json`));
  const r = await verifyStore(dir);
  t.match(r.problem, { kind: 'content', seq: 8, message: new RegExp(`content ${digest} of record seq 8 was deleted`) });
});
