// Work still running that a close must wait for when it spans more than one queue (content stored,
// then the record inserted): no single queue's flush sees all of it.
export class InFlight {
  readonly #running = new Set<Promise<unknown>>();

  /** Returns `work` itself, remembered until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    const done = () => this.#running.delete(work);
    work.then(done, done);
    return work;
  }

  /** Resolves once nothing tracked is running, including work tracked while waiting. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
