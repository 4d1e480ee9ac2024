// The training feed: offer() names the record and queues the example; a background writer
// canonicalises and digests in short time slices, signs each batch once, and appends it to the store, so the
// response path pays microseconds and never waits on serialisation (ms for large logprobs) or disk.
import type { TrainingExample, TrainingFeedSink } from '../core/contracts.js';
import type { SigningKeys } from '../signing/keys.js';
import { canonicalDigest, canonicalJson } from '../core/canonical-json.js';
import { recordIdOf, signPermits, type FeedRecord, type PermitFields } from './permit.js';
import type { FeedStore, SignedRecord } from './feed-store.js';
import { openFileFeedStore } from './file-store.js';
import { BatchQueue } from '../core/batch-queue.js';
import { feedLogprobs, feedMessages } from './feed-messages.js';

export interface FeedPage {
  records: FeedRecord[];
  /** The last seq returned, or the cursor given when nothing was new. */
  next_cursor: string;
}

export interface FeedStats {
  pending: number;
  written: number;
  dropped: number;
  failures: number;
  lastSeq: number;
}

export interface TrainingFeed extends TrainingFeedSink {
  readonly keyId: string;
  /** Durable records after `cursor` (a seq), in order. */
  read(cursor: number, limit: number): Promise<FeedPage>;
  /** Settles once everything offered so far is durable. */
  flush(): Promise<void>;
  stats(): FeedStats;
}

export interface TrainingFeedOptions {
  dataDir: string;
  keys: Pick<SigningKeys, 'keyId' | 'sign'>;
  /** Defaults to the file store under <dataDir>/feed. */
  store?: FeedStore;
  /** Records per write; one fsync each. */
  batchSize?: number;
  /** Beyond this many queued records new offers are dropped (counted), never blocking. */
  maxPending?: number;
  retryDelayMs?: number;
  onError?: (err: unknown) => void;
}

interface Queued {
  id: string;
  example: TrainingExample;
}

/** Longest stretch the writer holds the event loop while canonicalising and signing. */
const SLICE_MS = 4;

export async function createTrainingFeed(opts: TrainingFeedOptions): Promise<TrainingFeed> {
  const store = opts.store ?? (await openFileFeedStore(opts.dataDir));
  return new QueuedTrainingFeed(store, opts, await store.lastSeq());
}

class QueuedTrainingFeed implements TrainingFeed {
  readonly keyId: string;
  readonly #store: FeedStore;
  readonly #signer: (data: Uint8Array) => Buffer;
  readonly #maxPending: number;
  readonly #retryDelayMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #queue: BatchQueue<Queued>;
  #closed = false;
  #written = 0;
  #dropped = 0;
  #failures = 0;
  #lastSeq: number;

  constructor(store: FeedStore, opts: TrainingFeedOptions, lastSeq: number) {
    this.keyId = opts.keys.keyId;
    this.#store = store;
    this.#signer = opts.keys.sign;
    this.#queue = new BatchQueue({ write: (batch) => this.#write(batch), maxItems: opts.batchSize ?? 256 });
    this.#maxPending = opts.maxPending ?? 100_000;
    this.#retryDelayMs = opts.retryDelayMs ?? 1000;
    this.#onError = opts.onError ?? (() => undefined);
    this.#lastSeq = lastSeq;
  }

  /** Stores only what the runner trains on (feed-messages.ts), which is what admission read. */
  offer(example: TrainingExample): string {
    const id = recordIdOf(example.decision_id);
    if (this.#closed || this.#queue.pending >= this.#maxPending) {
      this.#dropped++;
      return id;
    }
    const stored = { ...example, messages: feedMessages(example.messages), top_logprobs: feedLogprobs(example.top_logprobs, example.completion) };
    // Never rejects: #write reports its failures.
    void this.#queue.push({ id, example: stored });
    return id;
  }

  /** Signs a batch and appends it, retrying a failing store until it takes the batch or the feed closes. */
  async #write(batch: Queued[]): Promise<void> {
    const signed = await this.#signBatch(batch);
    if (signed.length === 0) return;
    for (;;) {
      try {
        this.#lastSeq = await this.#store.append(signed);
        this.#written += signed.length;
        return;
      } catch (err) {
        this.#failures++;
        this.#onError(err);
        if (this.#closed) return;
        await new Promise((r) => setTimeout(r, this.#retryDelayMs));
      }
    }
  }

  /** Canonicalises and digests in slices, then signs the whole batch once (permit.ts). */
  async #signBatch(batch: Queued[]): Promise<SignedRecord[]> {
    const ready: { fields: PermitFields; exampleJson: string }[] = [];
    let sliceStart = performance.now();
    for (const { id, example } of batch) {
      try {
        const exampleJson = canonicalJson(example);
        ready.push({ fields: { id, digest: canonicalDigest(exampleJson), policy_revision: example.policy_revision, licence: example.licence }, exampleJson });
      } catch (err) {
        // An example JSON cannot represent canonically is never signed; it is counted and reported.
        this.#dropped++;
        this.#onError(err);
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
    const permits = signPermits(ready.map((r) => r.fields), this.keyId, this.#signer);
    return ready.map((r, i) => ({ id: r.fields.id, exampleJson: r.exampleJson, permit: permits[i] }));
  }

  async read(cursor: number, limit: number): Promise<FeedPage> {
    const records = await this.#store.read(cursor, limit);
    const next = records.length > 0 ? records[records.length - 1].seq : cursor;
    return { records, next_cursor: String(next) };
  }

  flush(): Promise<void> {
    return this.#queue.flush();
  }

  stats(): FeedStats {
    return { pending: this.#queue.pending, written: this.#written, dropped: this.#dropped, failures: this.#failures, lastSeq: this.#lastSeq };
  }

  async close(): Promise<void> {
    // Closed first: a store that keeps failing then ends the drain instead of retrying forever.
    this.#closed = true;
    await this.#queue.close();
    await this.#store.close();
  }
}
