// Appends to a JSONL file of the audit log and fsyncs it before resolving: what depends on a line
// (a published checkpoint, a deleted content file) must never outlive it in a crash.
import { appendFile, open } from 'node:fs/promises';

export async function appendSynced(path: string, text: string): Promise<void> {
  await appendFile(path, text);
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
