// One writer per file: a lock file beside it holds the writer's pid (the audit log's <audit>/LOCK, a
// semantic log's <log>.lock). A lock left by a dead process (kill -9) is taken over; one held by a live
// process refuses the second writer.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export class WriterLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock at `path` for `what` (named in the refusal); returns its release. */
export function acquireWriterLock(path: string, what: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new WriterLockedError(`${what} is open for writing by process ${holder}${holder === process.pid ? ' (this one)' : ''}`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${path}`);
}
