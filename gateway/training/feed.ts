// The training feed: offer() snapshots and digests an example and queues it; a background
// writer signs permits and appends batches to the store, so the response path never waits on disk.
import type { TrainingExample, TrainingFeedSink } from '../pipeline/contracts.js';
import type { SigningKeys } from '../signing/keys.js';
import { canonicalJson, digestOf, recordIdOf, signPermit, type FeedRecord } from './permit.js';
import type { FeedStore, SignedRecord } from './feed-store.js';
import { openFileFeedStore } from './file-store.js';

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
  digest: string;
  exampleJson: string;
  policy_revision: string;
  licence: string;
}

export async function createTrainingFeed(opts: TrainingFeedOptions): Promise<TrainingFeed> {
  const store = opts.store ?? (await openFileFeedStore(opts.dataDir));
  return new QueuedTrainingFeed(store, opts, await store.lastSeq());
}

class QueuedTrainingFeed implements TrainingFeed {
  readonly keyId: string;
  readonly #store: FeedStore;
  readonly #sign: (data: Uint8Array) => Buffer;
  readonly #batchSize: number;
  readonly #maxPending: number;
  readonly #retryDelayMs: number;
  readonly #onError: (err: unknown) => void;
  #queue: Queued[] = [];
  #draining: Promise<void> | null = null;
  #closed = false;
  #written = 0;
  #dropped = 0;
  #failures = 0;
  #lastSeq: number;

  constructor(store: FeedStore, opts: TrainingFeedOptions, lastSeq: number) {
    this.keyId = opts.keys.keyId;
    this.#store = store;
    this.#sign = opts.keys.sign;
    this.#batchSize = opts.batchSize ?? 256;
    this.#maxPending = opts.maxPending ?? 100_000;
    this.#retryDelayMs = opts.retryDelayMs ?? 1000;
    this.#onError = opts.onError ?? (() => undefined);
    this.#lastSeq = lastSeq;
  }

  offer(example: TrainingExample): string {
    // Canonicalising here snapshots the example: later mutation by the caller cannot alter what is signed.
    const exampleJson = canonicalJson(example);
    const digest = digestOf(exampleJson);
    const id = recordIdOf(digest);
    if (this.#closed || this.#queue.length >= this.#maxPending) {
      this.#dropped++;
      return id;
    }
    this.#queue.push({ id, digest, exampleJson, policy_revision: example.policy_revision, licence: example.licence });
    this.#draining ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
    return id;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.slice(0, this.#batchSize);
        const signed: SignedRecord[] = batch.map((q) => ({
          id: q.id,
          exampleJson: q.exampleJson,
          permit: signPermit({ id: q.id, digest: q.digest, policy_revision: q.policy_revision, licence: q.licence }, this.keyId, this.#sign),
        }));
        try {
          this.#lastSeq = await this.#store.append(signed);
        } catch (err) {
          this.#failures++;
          this.#onError(err);
          if (this.#closed) return;
          await new Promise((r) => setTimeout(r, this.#retryDelayMs));
          continue;
        }
        this.#queue.splice(0, batch.length);
        this.#written += batch.length;
      }
    } finally {
      this.#draining = null;
    }
  }

  async read(cursor: number, limit: number): Promise<FeedPage> {
    const records = await this.#store.read(cursor, limit);
    const next = records.length > 0 ? records[records.length - 1].seq : cursor;
    return { records, next_cursor: String(next) };
  }

  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  stats(): FeedStats {
    return { pending: this.#queue.length, written: this.#written, dropped: this.#dropped, failures: this.#failures, lastSeq: this.#lastSeq };
  }

  async close(): Promise<void> {
    // Closed first: a store that keeps failing then ends the drain instead of retrying forever.
    this.#closed = true;
    await this.flush();
    await this.#store.close();
  }
}
