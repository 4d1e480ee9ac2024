// Group commit, written once: items pushed while a write is in flight form the next batch, so a burst
// costs one write (one syscall, one insert, one fsync) instead of one per item. Pure: the owner hands
// in the write; the queue only orders, batches and settles.

export interface BatchQueueOptions<T, R> {
  /** Writes one batch; resolves with each item's result in order, or with nothing when items need none. */
  write: (batch: T[]) => Promise<R[] | void>;
  /** Most items in one batch; unbounded by default. */
  maxItems?: number;
  /** Most bytes in one batch as `sizeOf` counts them; a single larger item still goes, alone. */
  maxBytes?: { limit: number; sizeOf: (item: T) => number };
  /** Starts a write when the queue was idle; setImmediate by default, so items pushed in one turn share it. */
  schedule?: (start: () => void) => void;
  /**
   * After a write, wait this long before the next (unless closed): a group-commit window, so a busy queue
   * writes fewer, larger batches when a write's cost is mostly per batch. 0 (the default) writes at once.
   */
  gapMs?: number;
}

interface Entry<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class BatchQueue<T, R = void> {
  readonly #opts: BatchQueueOptions<T, R>;
  readonly #schedule: (start: () => void) => void;
  #queued: Entry<T, R>[] = [];
  #inFlight = 0;
  #running = false;
  #last: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(opts: BatchQueueOptions<T, R>) {
    this.#opts = opts;
    this.#schedule = opts.schedule ?? setImmediate;
  }

  /** Items queued or being written. */
  get pending(): number {
    return this.#queued.length + this.#inFlight;
  }

  /** Settles with the outcome of the batch the item is written in. */
  push(item: T): Promise<R> {
    if (this.#closed) return Promise.reject(new Error('batch queue is closed'));
    const settled = new Promise<R>((resolve, reject) => this.#queued.push({ item, resolve, reject }));
    this.#last = settled;
    if (!this.#running) {
      this.#running = true;
      this.#schedule(() => void this.#drain());
    }
    return settled;
  }

  /** Resolves once every item pushed before the call has settled (batches settle in order). */
  flush(): Promise<void> {
    return this.#last.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Refuses further items and flushes. */
  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  async #drain(): Promise<void> {
    while (this.#queued.length > 0) {
      const batch = this.#take();
      this.#inFlight = batch.length;
      try {
        const results = await this.#opts.write(batch.map((e) => e.item));
        for (let i = 0; i < batch.length; i++) batch[i].resolve((results ? results[i] : undefined) as R);
      } catch (err) {
        for (const e of batch) e.reject(err);
      }
      this.#inFlight = 0;
      const gap = this.#opts.gapMs ?? 0;
      if (gap > 0 && !this.#closed) await new Promise((resolve) => setTimeout(resolve, gap));
    }
    this.#running = false;
  }

  #take(): Entry<T, R>[] {
    const { maxItems = Infinity, maxBytes } = this.#opts;
    if (!maxBytes && this.#queued.length <= maxItems) {
      const all = this.#queued;
      this.#queued = [];
      return all;
    }
    let n = 0;
    let bytes = 0;
    while (n < this.#queued.length && n < maxItems) {
      const size = maxBytes ? maxBytes.sizeOf(this.#queued[n].item) : 0;
      if (n > 0 && maxBytes && bytes + size > maxBytes.limit) break;
      bytes += size;
      n++;
    }
    return this.#queued.splice(0, n);
  }
}
