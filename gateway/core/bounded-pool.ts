// A worker pool (piscina) for work too long for the event loop, bounded on every side:
// - each task has a budget of time on a thread, counted from when a thread takes it, not from when it
//   was queued; past it piscina terminates the thread, so a runaway task is stopped;
// - the wait for a thread has its own deadline and a bounded queue: a task that finds the pool full is
//   answered busy (the caller's error, usually a 503), not treated as a finding.
// Our own queue stands in front of piscina's so that a task reaches piscina only when a thread is free:
// piscina's own timeout would count the wait too.
import { Piscina } from 'piscina';

export interface BoundedPoolOptions {
  /** The worker module's URL (its default export runs each task). */
  filename: string;
  threads: number;
  /** Budget of one task in milliseconds on a thread (the wait for a thread not included). */
  budgetMs: number;
  /** How long a task may wait for a thread. */
  queueMs: number;
  /** How many tasks may wait for a thread; one more is answered busy at once. */
  queueMax: number;
  /** Handed to every worker thread once (worker_threads' workerData). */
  workerData?: unknown;
  /** The error for a task that found no thread (the reason says why). */
  busy: (reason: string) => Error;
  /** The error for a task that ran past its budget. */
  overBudget: (budgetMs: number) => Error;
}

interface Waiting<T, R> {
  task: T;
  resolve: (v: R) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
  queuedAt: number;
}

export class BoundedPool<T, R> {
  readonly #opts: BoundedPoolOptions;
  #pool: Piscina | null = null;
  readonly #waiting: Waiting<T, R>[] = [];
  #running = 0;
  #lastQueueWaitMs = 0;
  #closed = false;

  constructor(opts: BoundedPoolOptions) {
    this.#opts = opts;
  }

  /** Runs the task on a thread, or rejects: busy, over budget, or the task's own failure. */
  run(task: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.#closed) return reject(this.#opts.busy('the pool is closed'));
      const w: Waiting<T, R> = { task, resolve, reject, timer: undefined, queuedAt: performance.now() };
      if (this.#running < this.#opts.threads) return this.#start(w);
      if (this.#waiting.length >= this.#opts.queueMax) return reject(this.#opts.busy(`${this.#waiting.length} tasks already wait for a thread`));
      w.timer = setTimeout(() => {
        const i = this.#waiting.indexOf(w);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(this.#opts.busy(`no thread within ${this.#opts.queueMs} ms`));
      }, this.#opts.queueMs);
      w.timer.unref?.();
      this.#waiting.push(w);
    });
  }

  #start(w: Waiting<T, R>): void {
    clearTimeout(w.timer);
    this.#lastQueueWaitMs = performance.now() - w.queuedAt;
    this.#running++;
    const { filename, threads, workerData, budgetMs } = this.#opts;
    this.#pool ??= new Piscina({ filename, minThreads: 0, maxThreads: threads, idleTimeout: 5_000, workerData });
    (this.#pool.run(w.task, { signal: AbortSignal.timeout(budgetMs) }) as Promise<R>)
      .then(w.resolve, (err: Error) => w.reject(err.name === 'AbortError' ? this.#opts.overBudget(budgetMs) : err))
      .finally(() => {
        this.#running--;
        const next = this.#waiting.shift();
        if (next) this.#start(next);
      });
  }

  /** Tasks waiting for a thread, running, and the last wait for a thread in ms. */
  stats(): { queued: number; running: number; lastQueueWaitMs: number } {
    return { queued: this.#waiting.length, running: this.#running, lastQueueWaitMs: this.#lastQueueWaitMs };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(this.#opts.busy('the pool is closing'));
    }
    await this.#pool?.destroy();
  }
}
