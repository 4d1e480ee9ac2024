// One writer per data directory: <audit>/LOCK holds the writer's pid. A lock left by a dead process
// (kill -9) is taken over; one held by a live process refuses the second writer.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writerLockFile } from './layout.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock; returns its release. */
export function acquireWriterLock(auditDir: string): () => void {
  const path = writerLockFile(auditDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new Error(`audit log ${auditDir} is open for writing by process ${holder}${holder === process.pid ? ' (this one)' : ''}`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${path}`);
}
