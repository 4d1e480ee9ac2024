// The embedded audit log: segment files + stored tree + content files under <data-dir>/audit, with
// group commit. append() writes a whole batch with one write syscall and resolves once it is done
// (the bytes are in the OS: they survive kill -9); `durable` settles after the batch's fsync.
import { mkdirSync } from 'node:fs';
import type { AuditRecord, CallContent } from '../../core/contracts.js';
import type { AuditLog, AuditLogOptions, ConsistencyProof, InclusionProof, StoredEntry } from '../audit-log.js';
import { signCheckpoint, verifierKey, type SignedCheckpoint } from '../../tlog/checkpoint.js';
import { appendCheckpoint, readCheckpoints, writeVerifierKey } from './checkpoint-store.js';
import { ContentStore } from './content-store.js';
import { recordMatcher, type RecordFilter } from '../filter.js';
import { decodeLeaf, encodeLeaf, type LogEntry } from '../../tlog/leaf.js';
import { cachedReader, consistencyProof, Frontier, inclusionProof, leafHash, rangeSubtrees, treeRoot, type StoredNode } from '../../tlog/merkle.js';
import { purgeContent } from './retention.js';
import { WitnessClient } from '../witnessing/client.js';
import { AuditCorruptionError, SegmentStore } from './segment-store.js';
import { TreeStore } from './tree-store.js';
import { acquireWriterLock } from '../../core/writer-lock.js';
import { auditDir, contentDir, segmentsDir, treeDir, writerLockFile } from './layout.js';
import { contentStage, recordWithDigests } from '../record-content.js';
import { BatchQueue } from '../../core/batch-queue.js';

type Appended = { seq: number; durable: Promise<void> };

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers may ignore `durable`; its failure must not become an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class FileAuditLog implements AuditLog {
  readonly origin: string;
  readonly verifierKey: string;
  readonly #dir: string;
  readonly #opts: AuditLogOptions;
  readonly #segments: SegmentStore;
  readonly #tree: TreeStore;
  readonly #content: ContentStore;
  readonly #frontier: Frontier;
  #latest: SignedCheckpoint | null;
  readonly #queue = new BatchQueue<AuditRecord, Appended>({ write: (records) => this.#write(records) });
  readonly #withContent = contentStage((v) => this.#content.put(v));
  #nextSync: Deferred | null = null;
  #syncTimer: NodeJS.Timeout | null = null;
  #syncChain: Promise<void> = Promise.resolve();
  #checkpointChain: Promise<unknown> = Promise.resolve();
  #checkpointTimer: NodeJS.Timeout | null = null;
  #failed: Error | null = null;
  #closed = false;
  #release: () => void = () => undefined;
  readonly #witnesses: WitnessClient | null;

  private constructor(opts: AuditLogOptions, parts: { dir: string; segments: SegmentStore; tree: TreeStore; frontier: Frontier; latest: SignedCheckpoint | null; vkey: string }) {
    this.#opts = opts;
    this.origin = opts.audit.origin;
    this.verifierKey = parts.vkey;
    this.#dir = parts.dir;
    this.#segments = parts.segments;
    this.#tree = parts.tree;
    this.#frontier = parts.frontier;
    this.#latest = parts.latest;
    this.#content = new ContentStore(contentDir(parts.dir));
    this.#witnesses = opts.audit.witnesses?.length ? new WitnessClient(opts.audit.witnesses, opts.dispatcher) : null;
  }

  static async open(opts: AuditLogOptions): Promise<FileAuditLog> {
    const dir = auditDir(opts.dataDir);
    const readOnly = opts.readOnly ?? false;
    const vkey = verifierKey(opts.audit.origin, opts.keys.publicKeyRaw);
    let release: () => void = () => undefined;
    if (!readOnly) {
      mkdirSync(dir, { recursive: true });
      release = acquireWriterLock(writerLockFile(dir), `audit log ${dir}`);
      writeVerifierKey(dir, vkey);
    }
    try {
      return await FileAuditLog.#open(opts, dir, vkey, release);
    } catch (err) {
      release();
      throw err;
    }
  }

  static async #open(opts: AuditLogOptions, dir: string, vkey: string, release: () => void): Promise<FileAuditLog> {
    const readOnly = opts.readOnly ?? false;
    const latest = readCheckpoints(dir, vkey).at(-1) ?? null;
    const tree = new TreeStore(treeDir(dir), readOnly);
    // Tree nodes up to the last checkpoint were fsynced before it was signed; later ones are rebuilt.
    const trusted = Math.min(latest?.size ?? 0, tree.leafCount);
    if (!readOnly) tree.truncate(trusted);
    const frontier = Frontier.fromStore(tree.read, trusted);
    let pendingNodes: StoredNode[] = [];
    const { store } = await SegmentStore.open(segmentsDir(dir), {
      readOnly,
      onRecord: readOnly
        ? undefined
        : (seq, payload) => {
            if (seq < trusted) return;
            pendingNodes.push(...frontier.append(leafHash(payload)));
            if (pendingNodes.length > 65536) {
              tree.write(pendingNodes);
              pendingNodes = [];
            }
          },
    });
    if (pendingNodes.length > 0) tree.write(pendingNodes);
    const segDir = segmentsDir(dir);
    if (latest && store.size < latest.size) {
      throw new AuditCorruptionError(`audit log holds ${store.size} records but checkpoint signed ${latest.size}: records from seq ${store.size} are missing`, store.size, segDir, 0);
    }
    if (latest && !treeRoot(tree.read, latest.size).equals(latest.root)) {
      throw new AuditCorruptionError(`audit tree does not match the checkpoint of size ${latest.size}; run \`termsgate audit verify\``, 0, segDir, 0);
    }
    const log = new FileAuditLog(opts, { dir, segments: store, tree, frontier: readOnly ? Frontier.fromStore(tree.read, Math.min(store.size, tree.leafCount)) : frontier, latest, vkey });
    log.#release = release;
    if (!readOnly && opts.audit.checkpointIntervalMs > 0) {
      log.#checkpointTimer = setInterval(() => {
        if (log.#segments.size > (log.#latest?.size ?? 0)) log.checkpoint().catch((err: Error) => opts.onError?.(err));
      }, opts.audit.checkpointIntervalMs);
      log.#checkpointTimer.unref();
    }
    return log;
  }

  append(record: AuditRecord, content?: CallContent): Promise<Appended> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#closed || this.#opts.readOnly) return Promise.reject(new Error('audit log is closed or read-only'));
    if (content?.digestOnly) return this.#queue.push(recordWithDigests(record, content));
    if (!content) return this.#queue.push(record);
    // Queued once its content is stored, so records without content (every call's `started` record, denials) never wait for it.
    return this.#withContent.push({ record, content }).then((r) => this.#queue.push(r));
  }

  /** One batch, one write syscall: resolves once the bytes are in the OS. */
  async #write(records: AuditRecord[]): Promise<Appended[]> {
    if (this.#failed) throw this.#failed;
    const first = this.#segments.size;
    try {
      const leaves: Buffer[] = [];
      const nodes: StoredNode[] = [];
      for (let i = 0; i < records.length; i++) {
        const leaf = encodeLeaf(first + i, records[i]);
        leaves.push(leaf);
        for (const n of this.#frontier.append(leafHash(leaf))) nodes.push(n);
      }
      this.#segments.writeRecords(leaves);
      this.#tree.write(nodes);
    } catch (err) {
      // The frontier may be ahead of the files now; refuse further appends until reopened (recovery repairs it).
      this.#failed = err as Error;
      throw err;
    }
    const durable = this.#durableAfterWrite();
    return records.map((_, i) => ({ seq: first + i, durable }));
  }

  #durableAfterWrite(): Promise<void> {
    if (!this.#nextSync) {
      this.#nextSync = deferred();
      this.#syncTimer = setTimeout(() => this.#runSync(), this.#opts.audit.syncIntervalMs);
    }
    return this.#nextSync.promise;
  }

  #runSync(): Promise<void> {
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = null;
    const d = this.#nextSync;
    this.#nextSync = null;
    if (!d) return this.#syncChain;
    this.#syncChain = this.#syncChain.then(async () => {
      try {
        await Promise.all([this.#segments.sync(), this.#content.sync()]);
        d.resolve();
      } catch (err) {
        this.#opts.onError?.(err as Error);
        d.reject(err as Error);
      }
    });
    return d.promise;
  }

  /** Writes what is queued or storing its content, then fsyncs everything written. */
  async #settle(): Promise<void> {
    // Each record's move to #queue was chained before this flush waits, so it runs first.
    await this.#withContent.close();
    await this.#queue.close();
    await this.#runSync();
  }

  signExport(data: Uint8Array): Buffer | Promise<Buffer> {
    return this.#opts.keys.sign(data);
  }

  async size(): Promise<number> {
    return this.#segments.size;
  }

  checkpoint(): Promise<SignedCheckpoint> {
    if (this.#opts.readOnly) return Promise.reject(new Error('audit log is open read-only'));
    const run = this.#checkpointChain.then(async () => {
      const size = this.#segments.size;
      const root = this.#frontier.root();
      await this.#runSync();
      await this.#tree.sync();
      let cp = await signCheckpoint({ origin: this.origin, size, root, time: new Date().toISOString() }, this.#opts.keys.publicKeyRaw, (d) => this.#opts.keys.sign(d));
      if (this.#witnesses) cp = { ...cp, note: await this.#witness(cp) };
      await appendCheckpoint(this.#dir, cp);
      this.#latest = cp;
      return cp;
    });
    this.#checkpointChain = run.catch(() => undefined);
    return run;
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    return this.#latest;
  }

  /** The note with the witnesses' cosignatures; a missed quorum is reported and the checkpoint kept (verify flags it). */
  async #witness(cp: SignedCheckpoint): Promise<string> {
    const witnesses = this.#opts.audit.witnesses ?? [];
    const r = await this.#witnesses!.cosign(cp, async (from) => consistencyProof(this.#tree.read, from, cp.size));
    const quorum = this.#opts.audit.witnessQuorum ?? witnesses.length;
    if (r.cosigned < quorum) {
      this.#opts.onError?.(new Error(`checkpoint of size ${cp.size} has ${r.cosigned} of ${witnesses.length} cosignatures (quorum ${quorum}): ${r.failures.join('; ')}`));
    }
    return r.note;
  }

  #checkSize(treeSize: number): void {
    if (!(Number.isSafeInteger(treeSize) && treeSize >= 0 && treeSize <= Math.min(this.#segments.size, this.#tree.leafCount))) {
      throw new RangeError(`tree size ${treeSize} is beyond the log (size ${this.#segments.size})`);
    }
  }

  async root(treeSize: number): Promise<Buffer> {
    this.#checkSize(treeSize);
    return treeRoot(this.#tree.read, treeSize);
  }

  async inclusionProof(seq: number, treeSize?: number): Promise<InclusionProof> {
    const size = treeSize ?? Math.min(this.#segments.size, this.#tree.leafCount);
    this.#checkSize(size);
    const [proof] = await this.inclusionProofs([seq], size);
    return {
      seq,
      treeSize: size,
      leafHash: this.#tree.read(0, seq).toString('base64'),
      proof: proof.map((h) => h.toString('base64')),
      root: treeRoot(this.#tree.read, size).toString('base64'),
    };
  }

  async inclusionProofs(seqs: number[], treeSize: number): Promise<Buffer[][]> {
    this.#checkSize(treeSize);
    const memo = new Map<string, Buffer>();
    const read = cachedReader(this.#tree.read);
    return seqs.map((s) => inclusionProof(read, s, treeSize, memo));
  }

  async consistencyProof(from: number, to: number): Promise<ConsistencyProof> {
    this.#checkSize(to);
    return {
      from,
      to,
      proof: consistencyProof(this.#tree.read, from, to).map((h) => h.toString('base64')),
      fromRoot: treeRoot(this.#tree.read, from).toString('base64'),
      toRoot: treeRoot(this.#tree.read, to).toString('base64'),
    };
  }

  async rangeHashes(start: number, end: number): Promise<Buffer[]> {
    this.#checkSize(end);
    return rangeSubtrees(start, end).map(({ level, index }) => this.#tree.read(level, index));
  }

  async get(seq: number): Promise<LogEntry | null> {
    if (!(Number.isSafeInteger(seq) && seq >= 0 && seq < this.#segments.size)) return null;
    return decodeLeaf(this.#segments.read(seq));
  }

  async *query(filter: RecordFilter = {}): AsyncGenerator<StoredEntry> {
    const match = recordMatcher(filter);
    const to = Math.min(filter.toSeq ?? Infinity, this.#segments.size);
    let left = filter.limit ?? Infinity;
    if (left <= 0) return;
    for await (const { payload } of this.#segments.range(filter.fromSeq ?? 0, to)) {
      const entry = decodeLeaf(payload);
      if (!match(entry.record)) continue;
      yield { ...entry, leaf: payload };
      if (--left <= 0) return;
    }
  }

  content(digest: string): Promise<unknown | null> {
    return this.#content.get(digest);
  }

  purgeContent(cutoff: Date): Promise<number> {
    return purgeContent(this.#dir, this.#content, cutoff, this.#opts.keys);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
    if (!this.#opts.readOnly) {
      await this.#settle();
      if (!this.#failed && this.#segments.size > (this.#latest?.size ?? 0)) await this.checkpoint();
      await this.#checkpointChain;
    }
    this.#segments.close();
    this.#tree.close();
    this.#release();
  }
}
