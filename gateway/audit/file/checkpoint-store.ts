// Signed checkpoints of the file backend: one JSON line per checkpoint in <audit>/checkpoints.jsonl,
// fsynced before sign-now returns, and the verifier key beside them in checkpoint.vkey.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { openCheckpoint, type SignedCheckpoint } from '../../tlog/checkpoint.js';
import { appendSynced } from './append-synced.js';
import { checkpointsFile, verifierKeyFile } from './layout.js';

export function readVerifierKey(auditDir: string): string | null {
  const path = verifierKeyFile(auditDir);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
}

export function writeVerifierKey(auditDir: string, vkey: string): void {
  if (readVerifierKey(auditDir) !== vkey) writeFileSync(verifierKeyFile(auditDir), vkey + '\n');
}

/** Every stored checkpoint in order, each with its signature checked; a bad line throws naming it. */
export function readCheckpoints(auditDir: string, vkey: string): SignedCheckpoint[] {
  const path = checkpointsFile(auditDir);
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

export function appendCheckpoint(auditDir: string, cp: SignedCheckpoint): Promise<void> {
  return appendSynced(checkpointsFile(auditDir), JSON.stringify({ note: cp.note }) + '\n');
}
