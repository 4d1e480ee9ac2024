// The fingerprint index over any backend: doc numbers, the batch queue (writes leave the request path
// in batches, as fingerprinting does) and the outputs of batches not yet committed, which lookups see
// at once, so admission sees every output remembered before it even while the backend is still
// committing. Decoded outputs are cached (bounded): a detection asks the same few outputs' facts often.
import { BatchQueue } from '../../core/batch-queue.js';
import { MAX_LISTED, type FingerprintIndex, type ProvenanceIndex, type RecordInfo } from '../fingerprint-index.js';
import { refToString } from '../../watermark/payload.js';
import type { BackendOutput, IndexBackend } from './index-backend.js';
import { decodeOutput, encodeOutput, type FingerprintKind, type OutputFacts, type StoredOutput } from './stored-output.js';
import { indexInSorted, MAX_POSITION } from '../fingerprint.js';

const CACHED_OUTPUTS = 4096;
/** What a listed output that is not stored samples: nothing. */
const NOT_STORED = { level: 0, hashes: new Uint32Array(0) };
const COMMIT_GAP_MS = 100;

/** An output added and not yet written: made (fingerprinted, numbered, listed as pending) once, by a write or a lookup. */
interface Queued {
  make: () => StoredOutput;
  entry: BackendOutput | null;
  /** Why it could not be made: its batch's write rejects with it. */
  failed?: unknown;
}

const refKey = (ref: Uint8Array) => Buffer.from(ref.buffer, ref.byteOffset, ref.byteLength).toString('hex');

export class FingerprintStore {
  readonly #backend: IndexBackend;
  readonly #queue: BatchQueue<Queued>;
  #next: number;
  // Outputs handed to the backend and not yet committed, by doc number (ascending = oldest first).
  readonly #pending = new Map<number, OutputFacts>();
  readonly #pendingPostings = { words: new Map<number, number[]>(), loose: new Map<number, number[]>() };
  readonly #pendingRefs = new Map<string, number>();
  /** Added, not yet made: in the order added. */
  #unmade: Queued[] = [];
  #cache = new Map<number, OutputFacts | null>();
  readonly index: ProvenanceIndex;

  constructor(backend: IndexBackend) {
    this.#backend = backend;
    this.#next = backend.nextDoc();
    // A group-commit window: a backend write costs per posting list touched, and an output's common hashes
    // share lists with others, so fewer, larger batches cost less per output (bench/provenance/index-batch.ts).
    // Lookups make every queued output first (#makeQueued), so the wait delays nothing but the commit.
    this.#queue = new BatchQueue<Queued>({ gapMs: COMMIT_GAP_MS, write: (batch) => this.#write(batch) });
    this.index = { words: this.#view('words'), loose: this.#view('loose') };
  }

  get size(): number {
    return this.#backend.count() + this.#pending.size + this.#unmade.length;
  }

  /**
   * Queues an output, made (fingerprinted) when its batch is written or when a lookup comes first, off
   * the caller's path; settles once the batch is committed, rejects when it failed.
   */
  add(make: () => StoredOutput): Promise<void> {
    const queued: Queued = { make, entry: null };
    this.#unmade.push(queued);
    return this.#queue.push(queued);
  }

  /** Resolves once everything added so far is committed. */
  flush(): Promise<void> {
    return this.#queue.flush();
  }

  /** The original id of a hashed ref ("ref:<hex>"), when the index holds it; else the ref as given. */
  resolve(decisionRef: string): string {
    if (!decisionRef.startsWith('ref:')) return decisionRef;
    const doc = this.#findRef(Buffer.from(decisionRef.slice(4), 'hex'));
    return (doc >= 0 ? this.#facts(doc)?.originalId : null) ?? decisionRef;
  }

  async purgeBefore(cutoff: Date): Promise<number> {
    await this.flush();
    const purged = await this.#backend.purgeBefore(cutoff.getTime());
    this.#cache = new Map();
    return purged;
  }

  async close(): Promise<void> {
    await this.#queue.close();
    await this.#backend.close();
  }

  /** Makes every queued output and lists it as pending, in the order added: a lookup sees all added before it. */
  #makeQueued(): void {
    if (this.#unmade.length === 0) return;
    const unmade = this.#unmade;
    this.#unmade = [];
    for (const queued of unmade) {
      try {
        queued.entry = this.#listPending(queued.make());
      } catch (err) {
        queued.failed = err;
      }
    }
  }

  #listPending(stored: StoredOutput): BackendOutput {
    const encoded = encodeOutput(stored);
    const facts = decodeOutput(encoded)!;
    const doc = this.#next++;
    this.#pending.set(doc, facts);
    for (const kind of ['words', 'loose'] as const) {
      for (const h of facts[kind].hashes) {
        const docs = this.#pendingPostings[kind].get(h);
        if (docs) docs.push(doc);
        else this.#pendingPostings[kind].set(h, [doc]);
      }
    }
    this.#pendingRefs.set(refKey(facts.record.ref), doc);
    return { doc, ref: facts.record.ref, encoded, words: facts.words.hashes, loose: facts.loose.hashes };
  }

  async #write(batch: Queued[]): Promise<void> {
    this.#makeQueued();
    const entries = batch.flatMap((queued) => (queued.entry ? [queued.entry] : []));
    try {
      await this.#backend.write(entries);
      // The outputs that could be made are written; the batch still reports the one that could not.
      const failed = batch.find((queued) => queued.failed !== undefined);
      if (failed) throw failed.failed;
    } finally {
      // Committed (now read from the backend) or failed (reported by the caller): either way no longer pending.
      for (const { doc } of entries) {
        const facts = this.#pending.get(doc)!;
        this.#pending.delete(doc);
        if (this.#pendingRefs.get(refKey(facts.record.ref)) === doc) this.#pendingRefs.delete(refKey(facts.record.ref));
        for (const kind of ['words', 'loose'] as const) {
          for (const h of facts[kind].hashes) {
            const docs = this.#pendingPostings[kind].get(h)!;
            docs.splice(docs.indexOf(doc), 1);
            if (docs.length === 0) this.#pendingPostings[kind].delete(h);
          }
        }
      }
    }
  }

  #facts(doc: number): OutputFacts | null {
    const pending = this.#pending.get(doc);
    if (pending) return pending;
    let facts = this.#cache.get(doc);
    if (facts === undefined) {
      const bytes = this.#backend.output(doc);
      facts = bytes ? decodeOutput(bytes) : null;
      if (this.#cache.size >= CACHED_OUTPUTS) this.#cache = new Map();
      this.#cache.set(doc, facts);
    }
    return facts;
  }

  #findRef(ref: Uint8Array): number {
    this.#makeQueued();
    return this.#pendingRefs.get(refKey(ref)) ?? this.#backend.docOfRef(ref);
  }

  #view(kind: FingerprintKind): FingerprintIndex {
    const store = this;
    const pendingPostings = this.#pendingPostings[kind];
    const backend = this.#backend;
    const facts = (doc: number) => {
      const f = this.#facts(doc);
      if (!f) throw new Error(`fingerprint index: output ${doc} is not stored`);
      return f;
    };
    // Reads within one turn share one LMDB snapshot, so a listed output is stored. Should one not be (a
    // backend out of step), it holds no hash and has no samples, so it is never claimed, and detection
    // goes on. Listing does not decode outputs: a hash lists up to MAX_LISTED of them, and only those
    // that share enough of a text are ever read.
    const sampledOf = (doc: number) => this.#facts(doc)?.[kind] ?? NOT_STORED;
    return {
      get size() {
        return store.size;
      },
      docsWith(hash, out) {
        store.#makeQueued();
        out.length = 0;
        // Pending outputs are newer than every committed one.
        const pending = pendingPostings.get(hash);
        if (pending) for (let i = pending.length - 1; i >= 0 && out.length < MAX_LISTED; i--) out.push(pending[i]);
        const from = out.length;
        if (from < MAX_LISTED) backend.postings(kind, hash, out, MAX_LISTED - from);
        return out;
      },
      holds: (hash, doc) => indexInSorted(sampledOf(doc).hashes, hash) >= 0,
      positionOf(hash, doc) {
        const sampled: { hashes: Uint32Array; at?: Uint16Array } = sampledOf(doc);
        const i = sampled.at ? indexInSorted(sampled.hashes, hash) : -1;
        return i < 0 || sampled.at![i] === MAX_POSITION ? -1 : sampled.at![i];
      },
      findRef: (ref) => this.#findRef(ref),
      record(doc): RecordInfo {
        const { record } = facts(doc);
        return { decisionRef: refToString(record.ref, record.hashedRef), licence: record.licence, licenceClass: record.licenceClass, trainable: record.trainable };
      },
      levelOf: (doc) => sampledOf(doc).level,
      samplesOf: (doc) => Math.min(sampledOf(doc).hashes.length, 0xffff),
    };
  }
}
