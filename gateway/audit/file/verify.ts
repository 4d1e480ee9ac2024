// `audit verify` of a file-backed store: recomputes every leaf and the tree from the segment files,
// checks each signed checkpoint, the stored content, and names the first bad record.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { contentDigest } from '../../core/canonical-json.js';
import { verifierPublicKey, type Checkpoint, type SignedCheckpoint } from '../../tlog/checkpoint.js';
import { readCheckpoints, readVerifierKey } from './checkpoint-store.js';
import { ContentStore } from './content-store.js';
import { Frontier, HASH_SIZE, leafHash } from '../../tlog/merkle.js';
import { scanSegment } from './segment-scan.js';
import { readTombstones } from './retention.js';
import { listSegments } from './segment-store.js';
import { auditDir, checkpointsFile, contentDir, segmentsDir, treeDir } from './layout.js';
import { levelPath } from './tree-store.js';
import { tombstoneValid } from '../../tlog/tombstone.js';
import { isPinned, openTrustedCheckpoint, quorumProblem, type TrustAnchors } from '../../tlog/trust.js';

export type ProblemKind =
  | 'damaged'
  | 'missing'
  | 'out-of-order'
  | 'altered'
  | 'truncated'
  | 'checkpoint'
  | 'content'
  /** Shorter than, or diverging from, a trusted checkpoint. */
  | 'rollback'
  | 'fork'
  /** The newest checkpoint lacks the witness quorum. */
  | 'witness'
  /** More records beyond the newest checkpoint than its interval allows. */
  | 'unverified-tail';

export interface VerifyProblem {
  kind: ProblemKind;
  /** The first bad record's sequence number, when one can be named. */
  seq: number | null;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  checkpoints: number;
  /** Size of the latest checkpoint whose root the records reproduce. */
  verifiedSize: number;
  /** Stored content items whose digest was recomputed. */
  contentChecked: number;
  /** Content named by records and removed by retention (each with a valid signed tombstone). */
  contentPurged: number;
  problem: VerifyProblem | null;
  warnings: string[];
  /** Whether anything was pinned: without, the result proves integrity against the log's own key only. */
  pinned: boolean;
  /** Records beyond the newest checkpoint: covered by no signature. */
  unverifiedTail: UnverifiedTail | null;
}

export interface UnverifiedTail {
  records: number;
  fromSeq: number;
  toSeq: number;
  /** Time of the newest tail record, and of the checkpoint it stands beyond. */
  lastTime: string;
  checkpointTime: string | null;
}

/** Reads stored leaf hashes (tree level 0) sequentially, in blocks. */
class StoredLeaves {
  #fd: number;
  #block = Buffer.alloc(0);
  #blockStart = 0;

  constructor(path: string) {
    this.#fd = existsSync(path) ? openSync(path, 'r') : -1;
  }

  get(index: number): Buffer | null {
    if (this.#fd < 0) return null;
    const rel = (index - this.#blockStart) * HASH_SIZE;
    if (rel < 0 || rel + HASH_SIZE > this.#block.length) {
      const block = Buffer.allocUnsafe(HASH_SIZE * 32768);
      const n = readSync(this.#fd, block, 0, block.length, index * HASH_SIZE);
      this.#block = block.subarray(0, n - (n % HASH_SIZE));
      this.#blockStart = index;
      if (this.#block.length === 0) return null;
    }
    const at = (index - this.#blockStart) * HASH_SIZE;
    return this.#block.subarray(at, at + HASH_SIZE);
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
  }
}

/**
 * The seq of a leaf, read from its canonical tail `,"seq":N}` without parsing the whole record
 * (parsing dominated verification time). A leaf that is not canonical fails the tree check anyway.
 */
function leafSeq(payload: Buffer): number {
  const at = payload.lastIndexOf(',"seq":');
  if (at < 0 || payload[payload.length - 1] !== 0x7d) return -1;
  const n = Number(payload.subarray(at + 7, payload.length - 1).toString('latin1'));
  return Number.isSafeInteger(n) ? n : -1;
}

/** The first record naming `digest`, for locating altered content. */
async function firstRecordNaming(dir: string, digest: string): Promise<number | null> {
  let seq = 0;
  for (const { path } of listSegments(segmentsDir(dir))) {
    for await (const { payload } of scanSegment(path)) {
      if (payload.includes(`"${digest}"`)) return seq;
      seq++;
    }
  }
  return null;
}

/**
 * Stored content is checked file by file (each is named by the digest of its canonical JSON), so
 * the cost follows what is kept, not how many records there are; purged content is simply absent.
 */
async function verifyContent(dir: string, report: VerifyReport): Promise<VerifyProblem | null> {
  const content = new ContentStore(contentDir(dir));
  for (const digest of await content.digests()) {
    const raw = await content.raw(digest);
    if (raw === null) continue;
    report.contentChecked++;
    let actual = 'unreadable';
    try {
      actual = contentDigest(JSON.parse(raw));
    } catch {
      actual = 'unreadable';
    }
    if (actual !== digest) {
      const seq = await firstRecordNaming(dir, digest);
      return { kind: 'content', seq, message: `content ${digest}${seq === null ? '' : ` of record seq ${seq}`} was altered` };
    }
  }
  return null;
}

/** Digests of the content a completed record's call stored (content logging full or redacted). */
function storedDigests(payload: Buffer): string[] {
  if (!payload.includes('"content_logging":"full"') && !payload.includes('"content_logging":"redacted"')) return [];
  if (!payload.includes('"phase":"completed"') && !payload.includes('"phase":"incomplete"')) return [];
  return [...payload.toString('utf8').matchAll(/"(?:request|response)_digest":"(sha256:[0-9a-f]{64})"/g)].map((m) => m[1]);
}

/** What became of the content a record stored: the first item gone without a tombstone, and how many were purged. */
function contentState(payload: Buffer, content: ContentStore, purged: Set<string>): { missing: string | null; purged: number } {
  const gone = storedDigests(payload).filter((d) => !content.has(d));
  return { missing: gone.find((d) => !purged.has(d)) ?? null, purged: gone.length };
}

export interface VerifyStoreOptions {
  checkContent?: boolean;
  /** What is pinned; its verifierKey replaces the data directory's checkpoint.vkey. */
  trust?: TrustAnchors;
  /** Called now and then with the number of records checked so far. */
  onProgress?: (records: number) => void;
}

export async function verifyStore(dataDir: string, opts: VerifyStoreOptions = {}): Promise<VerifyReport> {
  const dir = auditDir(dataDir);
  const anchors: TrustAnchors = opts.trust ?? { witnessKeys: [], quorum: 0, maxTailMs: Infinity };
  const pinned = isPinned(anchors);
  const report: VerifyReport = { ok: false, records: 0, checkpoints: 0, verifiedSize: 0, contentChecked: 0, contentPurged: 0, problem: null, warnings: [], pinned, unverifiedTail: null };
  /** Records scanned so far (reported also when verification stops early). */
  let pos = 0;
  const fail = (kind: ProblemKind, seq: number | null, message: string): VerifyReport => {
    report.problem = { kind, seq, message };
    report.records = pos;
    return report;
  };
  const storedKey = readVerifierKey(dir);
  if (anchors.verifierKey && storedKey && storedKey !== anchors.verifierKey.trim()) {
    return fail('checkpoint', null, `checkpoint.vkey holds ${storedKey}, not the pinned key ${anchors.verifierKey.trim()}: the log's key was swapped`);
  }
  const vkey = anchors.verifierKey ?? storedKey;
  let checkpoints: SignedCheckpoint[] = [];
  if (vkey) {
    try {
      checkpoints = readCheckpoints(dir, vkey);
    } catch (err) {
      return fail('checkpoint', null, (err as Error).message);
    }
  } else if (existsSync(checkpointsFile(dir))) {
    return fail('checkpoint', null, 'no verifier key to check the checkpoints with');
  }
  report.checkpoints = checkpoints.length;
  for (let i = 1; i < checkpoints.length; i++) {
    if (checkpoints[i].size < checkpoints[i - 1].size) return fail('checkpoint', null, `checkpoint ${i + 1} shrinks the tree from ${checkpoints[i - 1].size} to ${checkpoints[i].size}`);
  }
  const newest = checkpoints.at(-1);
  const signedSize = newest?.size ?? 0;
  let trusted: Checkpoint | null;
  try {
    trusted = openTrustedCheckpoint(anchors);
  } catch (err) {
    return fail('checkpoint', null, `trusted checkpoint: ${(err as Error).message}`);
  }
  if (trusted && vkey && trusted.origin !== vkey.split('+')[0]) return fail('checkpoint', null, `the trusted checkpoint is of log ${trusted.origin}, not ${vkey.split('+')[0]}`);
  if (newest) {
    const q = quorumProblem(newest.note, anchors);
    if (q) return fail('witness', signedSize, `the newest checkpoint (size ${signedSize}, ${newest.time}) is not witnessed: ${q}`);
  }
  let tailLast = '';
  let nextCp = 0;
  const frontier = new Frontier();
  const stored = new StoredLeaves(levelPath(treeDir(dir), 0));
  const checkContent = opts.checkContent ?? true;
  const content = new ContentStore(contentDir(dir));
  const purged = new Set<string>();
  if (checkContent) {
    for (const t of readTombstones(dir)) {
      if (!vkey || !tombstoneValid(t, verifierPublicKey(vkey))) return fail('content', null, `the tombstone of ${t.digest} (${t.purged_at}) is not signed by the log's key: forged`);
      purged.add(t.digest);
    }
  }


  try {
    const segments = listSegments(segmentsDir(dir));
    for (let s = 0; s < segments.length; s++) {
      const { firstSeq, path } = segments[s];
      if (firstSeq !== pos) {
        return firstSeq > pos
          ? fail('missing', pos, `records from seq ${pos} to ${firstSeq - 1} are missing (segment ${path} starts at ${firstSeq})`)
          : fail('out-of-order', pos, `segment ${path} starts at seq ${firstSeq}, but seq ${pos} was expected`);
      }
      const it = scanSegment(path);
      for (;;) {
        const step = await it.next();
        if (step.done) {
          const end = step.value;
          if (end.kind === 'corrupt') return fail('damaged', pos, `record seq ${pos} (${path}, byte ${end.offset}) is damaged: ${end.reason}`);
          if (end.kind === 'torn-tail') {
            const last = s === segments.length - 1;
            if (!last || pos < signedSize) return fail('damaged', pos, `record seq ${pos} (${path}, byte ${end.end}) is damaged: ${end.bytes} bytes do not form a valid record`);
            report.warnings.push(`${end.bytes} bytes of an unfinished write after seq ${pos - 1} (not covered by a checkpoint; truncated when the log is next opened)`);
          }
          break;
        }
        const entry = { seq: leafSeq(step.value.payload) };
        if (entry.seq < 0) return fail('damaged', pos, `record at position ${pos} (${path}, byte ${step.value.offset}) is not a valid entry`);
        if (entry.seq < pos) return fail('out-of-order', entry.seq, `record seq ${entry.seq} appears again at position ${pos}: inserted or moved`);
        if (entry.seq > pos) {
          // Seq `pos` is not here: moved (it follows shortly) or removed.
          const peek = await it.next();
          if (!peek.done && peek.value.payload.includes(`,"seq":${pos}}`)) {
            return fail('out-of-order', pos, `record seq ${pos} is out of order: seq ${entry.seq} stands in its place (reordered)`);
          }
          return fail('missing', pos, `record seq ${pos} is missing: seq ${entry.seq} follows seq ${pos - 1} (removed)`);
        }
        const lh = leafHash(step.value.payload);
        const storedLeaf = stored.get(pos);
        if (storedLeaf && !storedLeaf.equals(lh)) return fail('altered', pos, `record seq ${pos} was altered: its leaf hash differs from the one in the tree`);
        frontier.append(lh);
        if (checkContent) {
          const state = contentState(step.value.payload, content, purged);
          if (state.missing) return fail('content', pos, `content ${state.missing} of record seq ${pos} was deleted: it is gone and no retention tombstone names it`);
          report.contentPurged += state.purged;
        }
        pos++;
        if (pos % 10_000 === 0) opts.onProgress?.(pos);
        if (trusted && pos === trusted.size && !frontier.root().equals(trusted.root)) {
          return fail('fork', null, `records seq 0..${pos - 1} do not reproduce the root of the trusted checkpoint of size ${pos}: the log was rewritten (a fork of the history the checkpoint saw)`);
        }
        if (pos > signedSize) {
          const time = (JSON.parse(step.value.payload.toString('utf8')) as { record: { time: string } }).record.time;
          if (!(time <= tailLast)) tailLast = time;
        }
        while (nextCp < checkpoints.length && checkpoints[nextCp].size === pos) {
          if (!frontier.root().equals(checkpoints[nextCp].root)) {
            const from = nextCp > 0 ? checkpoints[nextCp - 1].size : 0;
            return fail('altered', from, `records seq ${from}..${pos - 1} do not reproduce the root signed at size ${pos} (${checkpoints[nextCp].time}): one of them was altered`);
          }
          report.verifiedSize = pos;
          nextCp++;
        }
      }
    }
    report.records = pos;
    if (pos < signedSize) return fail('truncated', pos, `the log ends before seq ${pos}, but a checkpoint signed ${signedSize} records: seq ${pos}..${signedSize - 1} were removed (truncated)`);
    if (trusted && pos < trusted.size) return fail('rollback', pos, `the log holds ${pos} records, but a trusted checkpoint signed ${trusted.size}: seq ${pos}..${trusted.size - 1} were removed (rolled back)`);
    if (trusted && signedSize < trusted.size) return fail('rollback', signedSize, `the newest checkpoint has size ${signedSize}, older than the trusted checkpoint of size ${trusted.size}: checkpoints were removed (rolled back)`);
    if (pinned && pos > 0 && !newest) return fail('checkpoint', 0, `${pos} records but no signed checkpoint: nothing vouches for them (checkpoints removed?)`);
    if (pos > signedSize) {
      const tail: UnverifiedTail = { records: pos - signedSize, fromSeq: signedSize, toSeq: pos - 1, lastTime: tailLast, checkpointTime: newest?.time ?? null };
      report.unverifiedTail = tail;
      const limit = newest ? Date.parse(newest.time) + anchors.maxTailMs : -Infinity;
      if (pinned && !(Date.parse(tail.lastTime) <= limit)) {
        return fail('unverified-tail', signedSize, `${tail.records} records (seq ${tail.fromSeq}..${tail.toSeq}, the newest at ${tail.lastTime}) stand beyond the newest checkpoint (${tail.checkpointTime}) for longer than the checkpoint interval allows: unverified tail (checkpoints removed?)`);
      }
    }
    if (checkContent) {
      const problem = await verifyContent(dir, report);
      if (problem) return fail(problem.kind, problem.seq, problem.message);
    }
    report.ok = true;
    return report;
  } finally {
    stored.close();
  }
}
