// Work that can flood the event loop (the chunks of many provider streams arriving at once) runs in
// slices: once it has used `budgetMs` within one turn of the loop, the next piece waits for the loop's
// check phase (setImmediate), so the poll phase in between serves I/O — /healthz, new calls, the
// audit log's writes — however many streams pour in together. Waiters resume in the order they came.
// Hand-written: no library offers a budgeted cooperative yield, and scheduler.yield() (node:timers/promises)
// would yield on every piece, costing every stream chunk a loop turn even when the loop is idle.
//
// Use: `while (slices.spent()) await slices.next();` then the piece, with no await in between: the check
// and the piece run in one synchronous stretch, so waiters resumed together pass one at a time.
import { performance } from 'node:perf_hooks';

/** The budget per turn of each kind of flooding work (the request path's stream chunks, the upstream client's JSON answers): /healthz stays quick under a flood. */
export const LOOP_SLICE_MS = 5;

export class LoopSlices {
  readonly budgetMs: number;
  /** When the open slice began (performance.now()); -1 when none is open. */
  #sliceStart = -1;
  #next: Promise<void> | null = null;

  constructor(budgetMs: number) {
    this.budgetMs = budgetMs;
  }

  /** Whether this turn of the loop has used its budget; false opens a slice when none is open. */
  spent(): boolean {
    const now = performance.now();
    if (this.#sliceStart < 0) {
      this.#sliceStart = now;
      // The slice ends with this turn of the loop: on an idle loop no piece ever waits.
      setImmediate(() => (this.#sliceStart = -1));
      return false;
    }
    return now - this.#sliceStart >= this.budgetMs;
  }

  /** Resolves in the next turn of the loop's check phase, after the poll phase has served I/O. */
  next(): Promise<void> {
    return (this.#next ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.#next = null;
        resolve();
      }),
    ));
  }
}
