// Admission in front of one provider's undici Pool (issue 21): at most `limit` calls hold a connection,
// one caller (a key or a team) at most `perCaller` of them, and the others wait in one FIFO queue, each
// up to its own deadline. A waiter is granted in arrival order among those whose caller is under its
// share, so one tenant's slow readers can hold only their share and never starve the others.
//
// Written by hand because no maintained library does these three together: undici's Pool queues without
// bound and without a deadline (a queued request waits for a free connection for ever); p-limit,
// p-queue, async-sema and the like have one global limit, no per-caller cap, and no deadline on the
// wait for a slot (p-queue's `timeout` bounds a running task, not its wait in the queue).

/** The wait for a free connection outlasted its deadline. */
export class QueueTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`no connection was free within ${waitedMs} ms`);
  }
}

/** Gives one slot back; calling it more than once gives back nothing more. */
export type Release = () => void;

/** Schedules `fn` after `ms`; returns what cancels it. Injected by tests, setTimeout (unref'd) otherwise. */
export type Schedule = (ms: number, fn: () => void) => () => void;

const realSchedule: Schedule = (ms, fn) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

interface Waiter {
  caller: string;
  grant(release: Release): void;
  fail(err: unknown): void;
}

export interface GateOptions {
  /** The most slots held at once (the Pool's connections). */
  limit: number;
  /** The most slots one caller holds at once; at least 1, at most `limit`. */
  perCaller: number;
  /** The longest a caller waits for a slot. */
  queueMs: number;
  schedule?: Schedule;
}

export class ConnectionGate {
  readonly limit: number;
  readonly perCaller: number;
  readonly queueMs: number;
  readonly #schedule: Schedule;
  #held = 0;
  readonly #byCaller = new Map<string, number>();
  /** Waiters in arrival order; after every change none of them could be granted (pump() ran). */
  readonly #queue: Waiter[] = [];

  constructor(opts: GateOptions) {
    this.limit = Math.max(1, Math.floor(opts.limit));
    this.perCaller = Math.min(this.limit, Math.max(1, Math.floor(opts.perCaller)));
    this.queueMs = opts.queueMs;
    this.#schedule = opts.schedule ?? realSchedule;
  }

  get held(): number {
    return this.#held;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  heldBy(caller: string): number {
    return this.#byCaller.get(caller) ?? 0;
  }

  /**
   * A slot for `caller`: at once when one is free and the caller is under its share, else when one is
   * released to it, in arrival order. Rejects with QueueTimeout after queueMs, or with the signal's
   * reason when it aborts first (the client went away); either way the waiter leaves the queue.
   */
  acquire(caller: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Release>((resolve, reject) => {
      const t0 = performance.now();
      let settled = false;
      const leave = () => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
      };
      const settle = () => {
        settled = true;
        cancel();
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        caller,
        grant: (release) => {
          if (settled) return;
          settle();
          resolve(release);
        },
        fail: (err) => {
          if (settled) return;
          settle();
          leave();
          reject(err);
        },
      };
      const onAbort = () => waiter.fail(signal!.reason);
      const cancel = this.#schedule(this.queueMs, () => waiter.fail(new QueueTimeout(Math.round(performance.now() - t0))));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** Grants free slots to the earliest waiters whose caller is under its share. */
  #pump(): void {
    for (let i = 0; i < this.#queue.length && this.#held < this.limit; ) {
      const w = this.#queue[i];
      if (this.heldBy(w.caller) >= this.perCaller) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      this.#held++;
      this.#byCaller.set(w.caller, this.heldBy(w.caller) + 1);
      w.grant(this.#releaser(w.caller));
    }
  }

  #releaser(caller: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      const n = this.heldBy(caller) - 1;
      if (n > 0) this.#byCaller.set(caller, n);
      else this.#byCaller.delete(caller);
      this.#pump();
    };
  }
}
