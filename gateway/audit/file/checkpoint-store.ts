// Signed checkpoints of the file backend: one JSON line per checkpoint in <audit>/checkpoints.jsonl,
// fsynced before sign-now returns, and the verifier key beside them in checkpoint.vkey.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpoint, type SignedCheckpoint } from '../../tlog/checkpoint.js';

export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
export const VKEY_FILE = 'checkpoint.vkey';

export function readVerifierKey(auditDir: string): string | null {
  const path = join(auditDir, VKEY_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
}

export function writeVerifierKey(auditDir: string, vkey: string): void {
  if (readVerifierKey(auditDir) !== vkey) writeFileSync(join(auditDir, VKEY_FILE), vkey + '\n');
}

/** Every stored checkpoint in order, each with its signature checked; a bad line throws naming it. */
export function readCheckpoints(auditDir: string, vkey: string): SignedCheckpoint[] {
  const path = join(auditDir, CHECKPOINTS_FILE);
  if (!existsSync(path)) return [];
  const out: SignedCheckpoint[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      out.push(openCheckpoint((JSON.parse(line) as { note: string }).note, vkey));
    } catch (err) {
      // A cut-short last line is an interrupted write, not tampering.
      if (i === lines.length - 1) return;
      throw new Error(`checkpoint ${i + 1} of ${path}: ${(err as Error).message}`);
    }
  });
  return out;
}

export async function appendCheckpoint(auditDir: string, cp: SignedCheckpoint): Promise<void> {
  const path = join(auditDir, CHECKPOINTS_FILE);
  await appendFile(path, JSON.stringify({ note: cp.note }) + '\n');
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
