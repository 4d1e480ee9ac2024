// A witness's state: per log origin, the latest checkpoint it cosigned (the note with its own
// cosignature), one file per origin under the state directory, replaced atomically (temporary
// file, fsync, rename, directory fsync). Checks and updates run one at a time, so two submissions
// can never both pass against the same old size (the race the specification warns about).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

export class WitnessState {
  readonly #dir: string;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Where the latest cosigned checkpoint of `origin` is kept (a trusted checkpoint for `audit verify`). */
  pathFor(origin: string): string {
    return join(this.#dir, `${createHash('sha256').update(origin).digest('hex').slice(0, 32)}.checkpoint`);
  }

  latest(origin: string): string | null {
    const path = this.pathFor(origin);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  }

  /** Runs `fn` with nothing else in between: read the latest, decide, store. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async store(origin: string, note: string): Promise<void> {
    const path = this.pathFor(origin);
    const tmp = `${path}.tmp-${process.pid}`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(note);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    const dir = await open(this.#dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
